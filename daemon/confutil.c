/* What ntmd.conf and the plan files share in reading libconfig. */
#include "confutil.h"
#include "text.h"

int
confutil_read(config_t *cf, const char *path, struct diag *d)
{
	config_init(cf);
	if (config_read_file(cf, path))
		return 0;
	if (config_error_type(cf) == CONFIG_ERR_FILE_IO)
		diag_error(d, path, 0, "cannot read the file");
	else
		diag_error(d, config_error_file(cf) ? config_error_file(cf) : path,
		    config_error_line(cf), "%s", config_error_text(cf));
	return -1;
}

int
confutil_line(const config_setting_t *s)
{
	return s ? config_setting_source_line(s) : 0;
}

char *
confutil_text(const char *file, const config_setting_t *g, const char *name, int required,
    struct diag *d)
{
	config_setting_t *s = config_setting_get_member(g, name);
	const char *v;

	if (s == NULL) {
		if (required)
			diag_error(d, file, confutil_line(g), "missing \"%s\"", name);
		return NULL;
	}
	if ((v = config_setting_get_string(s)) == NULL || !text_valid_utf8(v)) {
		diag_error(d, file, confutil_line(s), "\"%s\" must be a UTF-8 string", name);
		return NULL;
	}
	return text_nfc(v);
}

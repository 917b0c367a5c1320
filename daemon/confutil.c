/* What ntmd.conf and the plan files share in reading libconfig. */
#include "confutil.h"

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

/* Unit tests: every suite in one runner; non-zero exit if any test fails.
 * Run from the top directory (the tests read config/ and calendars/). */
#include <stdlib.h>

#include "date.h"
#include "suites.h"

int
main(void)
{
	SRunner *sr = srunner_create(when_suite());
	int failed;

	zone_set("Asia/Ho_Chi_Minh");
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, feed_suite());
	srunner_add_suite(sr, import_suite());
	srunner_add_suite(sr, plan_suite());
	srunner_add_suite(sr, workday_suite());
	srunner_add_suite(sr, done_suite());
	srunner_add_suite(sr, report_suite());
	srunner_add_suite(sr, meeting_suite());
	srunner_add_suite(sr, account_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#ifndef NTM_TEST_SUITES_H
#define NTM_TEST_SUITES_H

#include <check.h>

Suite *when_suite(void);
Suite *config_suite(void);
Suite *feed_suite(void);
Suite *import_suite(void);
Suite *plan_suite(void);
Suite *workday_suite(void);
Suite *done_suite(void);
Suite *report_suite(void);
Suite *account_suite(void);
Suite *meeting_suite(void);

#endif

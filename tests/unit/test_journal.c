/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a log line may carry to the admin's terminal, and priority names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "journal.h"

#define FFFD "\xef\xbf\xbd"

static void check_printable(const char *in, size_t len, const char *want) {
        char *got = node_journal_printable(in, len);
        assert_non_null(got);
        assert_string_equal(got, want);
        free(got);
}

static void test_printable_keeps_text(void **state) {
        (void)state;
        check_printable("plain ascii", 11, "plain ascii");
        check_printable("gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93 \xf0\x9f\x98\x80", 16, "gr\xc3\xbc\xc3\x9f" "e \xe2\x9c\x93 \xf0\x9f\x98\x80");
        check_printable("", 0, "");
}

static void test_printable_controls(void **state) {
        (void)state;
        check_printable("\x1b[2Jwiped", 9, FFFD "[2Jwiped");
        check_printable("a\tb\nc\n", 6, "a b c");
        check_printable("bell\x07\x7f", 6, "bell" FFFD FFFD);
        /* U+009B is CSI for terminals that take C1 controls */
        check_printable("x\xc2\x9b" "31m", 6, "x" FFFD "31m");
}

static void test_printable_invalid_utf8(void **state) {
        (void)state;
        check_printable("\xff\xfe", 2, FFFD FFFD);
        check_printable("\xc0\xaf", 2, FFFD FFFD);                 /* overlong "/" */
        check_printable("\xed\xa0\x80", 3, FFFD FFFD FFFD);        /* surrogate */
        check_printable("\xf4\x90\x80\x80", 4, FFFD FFFD FFFD FFFD); /* above U+10FFFF */
        check_printable("ok\xe2\x9c", 4, "ok" FFFD FFFD);          /* cut short */
}

static void test_printable_binary(void **state) {
        (void)state;
        check_printable("bin\0ary", 7, "[7 bytes of binary data]");
}

static void test_priority_names(void **state) {
        (void)state;
        assert_int_equal(node_journal_priority_parse("err"), 3);
        assert_int_equal(node_journal_priority_parse("WARNING"), 4);
        assert_int_equal(node_journal_priority_parse("7"), 7);
        assert_int_equal(node_journal_priority_parse("8"), -1);
        assert_int_equal(node_journal_priority_parse("37"), -1);
        assert_int_equal(node_journal_priority_parse(""), -1);
        assert_int_equal(node_journal_priority_parse(NULL), -1);
        assert_string_equal(node_journal_priority_name(0), "emerg");
        assert_null(node_journal_priority_name(8));
        assert_null(node_journal_priority_name(-1));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_printable_keeps_text),
                cmocka_unit_test(test_printable_controls),
                cmocka_unit_test(test_printable_invalid_utf8),
                cmocka_unit_test(test_printable_binary),
                cmocka_unit_test(test_priority_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Runs every test group and prints the one summary line. */
#include "harness.h"

int th_passed, th_failed;

void test_cell(void); /* test_cell.c */
void test_vmath(void); /* test_vmath.c */
void test_rows(void);  /* test_rows.c */

int main(void)
{
    test_status();
    test_sizes();
    test_validation();
    test_philox();
    test_hand();
    test_reference();
    test_threads();
    test_vmath();
    test_rows();
    test_cell();
    printf("%d passed, %d failed\n", th_passed, th_failed);
    return th_failed != 0;
}

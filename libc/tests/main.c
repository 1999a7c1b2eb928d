/* Runs every test group and prints the one summary line. */
#include "harness.h"

int th_passed, th_failed;

int main(void)
{
    test_status();
    test_sizes();
    test_validation();
    test_philox();
    test_hand();
    test_reference();
    test_threads();
    printf("%d passed, %d failed\n", th_passed, th_failed);
    return th_failed != 0;
}

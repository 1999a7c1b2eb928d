/* A deliberately naive double-precision reference of the operator, written
 * straight from the equations, one sequence and one step at a time. */
#ifndef FRNN_REF_H
#define FRNN_REF_H

#include "fusedrnn.h"
#include "util.h"

/* Same inputs as tu_forward (x, y in the config's layout), always double. */
void ref_forward(const fusedrnn_config *c, const tu_run *r);

#endif

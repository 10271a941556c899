/*
 * The name Moddable's native modules include for host services
 * (modMessagePostToMachine, ...). In the simulator they are declared by the
 * platform header, sim_xs.h, which xs.h includes; this file lets the same
 * module sources compile here and in the Moddable SDK.
 */

#ifndef SIM_XSHOST_H
#define SIM_XSHOST_H

#include "xs.h"

#endif

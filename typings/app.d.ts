/*
 * The ambient typings of an app built with espnow-xs, for tsconfig.app.json:
 * XS's globals (trace, harden, ...) and the modules Moddable's typings
 * declare that the simulator provides (timer, text/encoder, text/decoder),
 * and the simulator's own modules (multitest, instrument).
 */
/// <reference types="@moddable/typings/xs" />
/// <reference types="@moddable/typings/timer" />
/// <reference path="../hosts/sim/modules/multitest.d.ts" />
/// <reference path="../hosts/sim/instrument.d.ts" />

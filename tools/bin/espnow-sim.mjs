#!/usr/bin/env node
// The espnow-sim command: the TypeScript of tools/ runs through tsx.
import { register } from "tsx/esm/api";

register();
await import("../cli.ts");

// Helpers that shim.c offers to render.c (not part of the module's public header).
#pragma once

/// The address of `name` in the loaded MuJoCo library, or NULL (also when MuJoCo could not be loaded).
void *rein_mj_symbol(const char *name);

/// Runs `body(context)` so that a MuJoCo error returns -1 (message in rein_mj_last_error()) instead of exiting.
int rein_mj_protected(void (*body)(void *), void *context);

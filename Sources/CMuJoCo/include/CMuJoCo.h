// A thin shim over the MuJoCo C library, loaded at run time (see shim.c).
#pragma once

// A thin C shim over Box2D's C++ API (see shim.cpp).
#pragma once

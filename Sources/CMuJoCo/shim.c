#include "CMuJoCo.h"

// zlib (Debian: zlib1g-dev; macOS: part of the SDK): deflate for PNG files, inflate for reading them back in tests.
#include <zlib.h>

/* The one translation unit that instantiates stb_ds (Debian's libstb-dev). */
#define STB_DS_IMPLEMENTATION
#include <stb_ds.h>

/* The two macros of the macOS SDK's TargetConditionals.h that ring's C code reads, for
 * type-checking the macOS build on Linux (tests/cross-check.sh). Nothing built with this
 * header is linked or run: real macOS builds use the SDK's own header. */
#ifndef LAKEGATE_CROSS_TARGET_CONDITIONALS_H
#define LAKEGATE_CROSS_TARGET_CONDITIONALS_H
#define TARGET_OS_MAC 1
#define TARGET_OS_OSX 1
#define TARGET_OS_IPHONE 0
#endif

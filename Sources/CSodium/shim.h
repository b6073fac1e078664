// libsodium (Debian's libsodium-dev): ristretto255 hash-to-group and scalar multiplication for
// ConcordLinkage's private set intersection.
#include <sodium.h>

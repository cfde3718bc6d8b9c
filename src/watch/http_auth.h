#pragma once
// Who may talk to the daemon's HTTP side: the bearer-token check for /api/ and /metrics.
#include <string_view>

namespace leakseek::watch {

// True when `authorization` (the Authorization header's value) is "Bearer <token>". The token
// is compared in time independent of where it first differs, so response timing cannot be used
// to guess it byte by byte.
bool bearer_token_matches(std::string_view authorization, std::string_view token);

}  // namespace leakseek::watch

// Base64 (RFC 4648 §4) and base64url without padding (§5, as JWTs use it).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace mcp {

std::string base64_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);
// Accepts either alphabet, with or without padding; nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);
// RFC 4648 section 4 exactly: length a multiple of 4, '=' only as the final padding.
// For values a peer must have encoded canonically (SEP-2243's =?base64?...?= headers).
std::optional<std::string> base64_decode_padded(std::string_view text);

}  // namespace mcp

// The one argument helper of every control op: reads and checks a request's "args" object.
//
// Each reader returns the value or an InvalidArgument whose message is one line naming the
// argument ("missing argument 'job'", "\"limit\" must be between 1 and 10000"), so every op
// refuses bad input the same way and the router turns it into an error reply. A missing or
// null optional argument yields its fallback. `args` that is not an object reads as empty.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.h"

namespace distsync {

// A non-empty string. Fails with "missing argument '<name>'".
Result<std::string> required_string(const nlohmann::json& args, std::string_view name);

// A string (possibly empty), or `fallback` when absent.
Result<std::string> optional_string(const nlohmann::json& args, std::string_view name,
                                    std::string fallback);

// true or false, or `fallback` when absent.
Result<bool> optional_bool(const nlohmann::json& args, std::string_view name, bool fallback);

// An integer in [min, max], or `fallback` when absent (fallback is not range-checked).
Result<std::uint64_t> optional_uint(const nlohmann::json& args, std::string_view name,
                                    std::uint64_t fallback, std::uint64_t min = 0,
                                    std::uint64_t max = std::numeric_limits<std::uint64_t>::max());

// A list of non-empty strings, or {} when absent. Fails with "<name> must be a list of
// <what>".
Result<std::vector<std::string>> optional_string_list(const nlohmann::json& args,
                                                      std::string_view name,
                                                      std::string_view what);

}  // namespace distsync

// The one cereal schema of a record, as nlohmann::json: how control handlers turn request
// arguments into ServerSpec/ScheduleSpec and records into replies without a second schema.
//
// to_json_value() writes the record through its serialize() (cereal_class_version keys
// included). merge_json() applies a JSON object of changes to a record: every key must be a
// field of the record (an unknown key is InvalidArgument naming it), values must have the
// field's JSON type. Pure; thread-safe.
#pragma once

#include <cereal/archives/json.hpp>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "events/result.h"

namespace distsync {

template <typename T>
nlohmann::json to_json_value(const T& value) {
  std::ostringstream os;
  {
    cereal::JSONOutputArchive ar(os);
    ar(cereal::make_nvp("value", value));
  }
  return nlohmann::json::parse(os.str())["value"];
}

// Removes cereal's bookkeeping keys, for output meant for people and tools.
nlohmann::json without_versions(nlohmann::json value);

// Checks that every key of `changes` exists in `base` (recursively for objects) and has a
// compatible type; `where` names the record in messages.
Status check_known_fields(const nlohmann::json& base, const nlohmann::json& changes,
                          const std::string& where);

template <typename T>
Status merge_json(const nlohmann::json& changes, T* value, const std::string& where) {
  if (!changes.is_object()) return Status::invalid_argument(where + " must be a JSON object");
  nlohmann::json base = to_json_value(*value);
  Status s = check_known_fields(base, changes, where);
  if (!s.is_ok()) return s;
  base.merge_patch(changes);
  try {
    std::istringstream is("{\"value\":" + base.dump() + "}");
    cereal::JSONInputArchive ar(is);
    T out;
    ar(cereal::make_nvp("value", out));
    *value = std::move(out);
  } catch (const std::exception& e) {
    return Status::invalid_argument(where + ": " + e.what());
  }
  return Status::ok();
}

}  // namespace distsync

#include "daemon/handlers/alert_handlers.h"

#include <nlohmann/json.hpp>

namespace distsync {

using nlohmann::json;

void register_alert_handlers(RequestRouter& router, const Alerter& alerter) {
  router.add("alerts.status", [&alerter](const json& args) -> Result<json> {
    std::size_t limit = Alerter::kMaxDeliveries;
    if (auto it = args.find("limit"); it != args.end()) {
      if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0) {
        return Status::invalid_argument("limit must be a positive integer");
      }
      limit = static_cast<std::size_t>(std::min<std::uint64_t>(it->get<std::uint64_t>(), limit));
    }
    json rules = json::array();
    for (const AlertRule& r : alerter.rules()) {
      // The target is named by kind only: a webhook URL may still be an internal address.
      rules.push_back({{"name", r.name},
                       {"kind", r.is_webhook() ? "webhook" : "command"},
                       {"events", r.events},
                       {"timeout_ms", r.timeout_ms},
                       {"max_attempts", r.max_attempts},
                       {"backoff_ms", r.backoff_ms}});
    }
    std::vector<AlertDelivery> all = alerter.deliveries();
    const std::size_t first = all.size() > limit ? all.size() - limit : 0;
    json deliveries = json::array();
    for (std::size_t i = first; i < all.size(); ++i) {
      const AlertDelivery& d = all[i];
      deliveries.push_back({{"id", d.id},
                            {"rule", d.rule},
                            {"kind", d.kind},
                            {"event_seq", d.event_seq},
                            {"event_type", d.event_type},
                            {"correlation", d.correlation},
                            {"state", d.state},
                            {"attempts", d.attempts},
                            {"max_attempts", d.max_attempts},
                            {"last_status", d.last_status},
                            {"queued_us", d.queued_us},
                            {"last_attempt_us", d.last_attempt_us},
                            {"next_attempt_us", d.next_attempt_us}});
    }
    return json{{"rules", rules}, {"deliveries", deliveries}, {"dropped", alerter.dropped()}};
  });
}

}  // namespace distsync

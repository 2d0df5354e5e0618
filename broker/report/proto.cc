#include "broker/report/report.h"

namespace mpp::report {

namespace {

void DistToProto(const Distribution& d, v1::ReportDistribution* p) {
  p->set_n(d.n);
  p->set_mean_ms(d.mean_ms);
  p->set_median_ms(d.median_ms);
  p->set_p90_ms(d.p90_ms);
  p->set_max_ms(d.max_ms);
}

Distribution DistFromProto(const v1::ReportDistribution& p) {
  return {p.n(), p.mean_ms(), p.median_ms(), p.p90_ms(), p.max_ms()};
}

void RowToProto(const Row& r, v1::ReportRow* p) {
  p->set_key(r.key);
  p->set_label(r.label);
  p->set_issued(r.issued);
  p->set_served(r.served);
  p->set_no_show(r.no_show);
  p->set_cancelled(r.cancelled);
  p->set_expired(r.expired);
  p->set_out_of_order(r.out_of_order);
  p->set_appointments(r.appointments);
  DistToProto(r.appointment_wait, p->mutable_appointment_wait());
  DistToProto(r.walk_in_wait, p->mutable_walk_in_wait());
  p->set_bookings(r.bookings);
  p->set_bookings_kept(r.bookings_kept);
  p->set_bookings_missed(r.bookings_missed);
  p->set_bookings_cancelled(r.bookings_cancelled);
  p->set_estimate_judged(r.estimate_judged);
  p->set_estimate_within(r.estimate_within);
  p->set_estimate_median_error_ms(r.estimate_median_error_ms);
  p->set_transferred(r.transferred);
  p->set_print_failed(r.print_failed);
  p->set_priority(r.priority);
  for (const auto& [reason, n] : r.priority_by_reason)
    (*p->mutable_priority_by_reason())[reason] = n;
  DistToProto(r.wait, p->mutable_wait());
  DistToProto(r.service, p->mutable_service());
  p->set_wait_judged(r.wait_judged);
  p->set_wait_within(r.wait_within);
  p->set_service_judged(r.service_judged);
  p->set_service_within(r.service_within);
  for (int n : r.ratings) p->add_ratings(n);
  v1::ReportSkm* k = p->mutable_skm();
  k->set_respondents(r.skm.respondents);
  for (int i = 0; i < 9; ++i) {
    k->add_answered(r.skm.answered[i]);
    k->add_nrr(r.skm.nrr[i]);
  }
  k->set_ikm(r.skm.ikm);
  k->set_score(r.skm.score);
  k->set_grade(std::string(1, r.skm.grade));
  k->set_label(r.skm.label);
}

Row RowFromProto(const v1::ReportRow& p) {
  Row r;
  r.key = p.key();
  r.label = p.label();
  r.issued = p.issued();
  r.served = p.served();
  r.no_show = p.no_show();
  r.cancelled = p.cancelled();
  r.expired = p.expired();
  r.out_of_order = p.out_of_order();
  r.appointments = p.appointments();
  r.appointment_wait = DistFromProto(p.appointment_wait());
  r.walk_in_wait = DistFromProto(p.walk_in_wait());
  r.bookings = p.bookings();
  r.bookings_kept = p.bookings_kept();
  r.bookings_missed = p.bookings_missed();
  r.bookings_cancelled = p.bookings_cancelled();
  r.estimate_judged = p.estimate_judged();
  r.estimate_within = p.estimate_within();
  r.estimate_median_error_ms = p.estimate_median_error_ms();
  r.transferred = p.transferred();
  r.print_failed = p.print_failed();
  r.priority = p.priority();
  for (const auto& [reason, n] : p.priority_by_reason()) r.priority_by_reason[reason] = n;
  r.wait = DistFromProto(p.wait());
  r.service = DistFromProto(p.service());
  r.wait_judged = p.wait_judged();
  r.wait_within = p.wait_within();
  r.service_judged = p.service_judged();
  r.service_within = p.service_within();
  for (int i = 0; i < 5 && i < p.ratings_size(); ++i) r.ratings[i] = p.ratings(i);
  const v1::ReportSkm& k = p.skm();
  r.skm.respondents = k.respondents();
  for (int i = 0; i < 9; ++i) {
    if (i < k.answered_size()) r.skm.answered[i] = k.answered(i);
    if (i < k.nrr_size()) r.skm.nrr[i] = k.nrr(i);
  }
  r.skm.ikm = k.ikm();
  r.skm.score = k.score();
  r.skm.grade = k.grade().empty() ? '-' : k.grade()[0];
  r.skm.label = k.label();
  return r;
}

}  // namespace

v1::ComplianceReport ToProto(const Report& rep) {
  v1::ComplianceReport p;
  p.set_from(rep.from);
  p.set_to(rep.to);
  p.set_by(GroupByName(rep.by));
  for (const Row& r : rep.rows) RowToProto(r, p.add_rows());
  RowToProto(rep.total, p.mutable_total());
  for (const Completeness& c : rep.completeness) {
    v1::ReportCompleteness* pc = p.add_completeness();
    pc->set_service(c.service);
    pc->set_present(c.present);
    for (const auto& m : c.missing) pc->add_missing(m);
  }
  return p;
}

Report FromProto(const v1::ComplianceReport& p) {
  Report rep;
  rep.from = p.from();
  rep.to = p.to();
  if (!ParseGroupBy(p.by(), &rep.by)) rep.by = GroupBy::kService;
  for (const auto& r : p.rows()) rep.rows.push_back(RowFromProto(r));
  rep.total = RowFromProto(p.total());
  for (const auto& pc : p.completeness()) {
    Completeness c;
    c.service = pc.service();
    c.present = pc.present();
    c.missing.assign(pc.missing().begin(), pc.missing().end());
    rep.completeness.push_back(std::move(c));
  }
  return rep;
}

}  // namespace mpp::report

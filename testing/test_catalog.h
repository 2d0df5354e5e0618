// A small catalog for unit tests: every rule of the schedule and the queue in
// a few lines. Monday 2026-11-30 is a working day; 2026-12-25 is a holiday.
#pragma once

namespace mpp::testing {

inline constexpr const char* kTestCatalog = R"toml(
[mpp]
name = "MPP Uji"
timezone = "Asia/Jakarta"
max_recalls = 2
ticker = "Uji"
[mpp.hours]
mon = "08:00-16:00"
tue = "08:00-16:00"
wed = "08:00-16:00"
thu = "08:00-16:00"
fri = "08:00-16:00"
sat = "08:00-12:00"
[[mpp.breaks]]
days = ["fri"]
time = "11:30-13:00"
label = "Istirahat salat Jumat"
[[mpp.holidays]]
date = "2026-12-25"
name = "Hari Raya Natal"

[[agency]]
code = "DUK"
name = "Disdukcapil"
[[agency]]
code = "POL"
name = "Polres"
[[agency]]
code = "KMG"
name = "Kemenag"

[[zone]]
id = "A"
name = "Zona A"
[[zone]]
id = "B"
name = "Zona B"

[[service]]
code = "S1"
name = "Rekam KTP"
agency = "DUK"
prefix = "A"
digits = 3
wait_target_min = 30
service_std_min = 10
daily_quota = 0
priority_allowed = true
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "08:00-15:00"
[service.standard]
requirements = ["KK"]
procedure = ["Ambil nomor"]
time_standard = "10 menit"
fee = "Gratis"
product = "KTP-el"
complaint = "Meja pengaduan"

[[service]]
code = "S2"
name = "Cetak KTP"
agency = "DUK"
prefix = "A"
wait_target_min = 30
service_std_min = 10
daily_quota = 0
priority_allowed = true
[service.standard]
requirements = ["KK"]
procedure = ["Ambil nomor"]
time_standard = "1 hari"
fee = "Gratis"
product = "KTP-el"
complaint = "Meja pengaduan"

[[service]]
code = "S3"
name = "SKCK"
agency = "POL"
prefix = "B"
wait_target_min = 20
service_std_min = 15
daily_quota = 2
priority_allowed = false
days = ["mon", "tue", "wed", "thu", "fri"]
[service.standard]
requirements = ["KTP"]
procedure = ["Ambil nomor"]
time_standard = "15 menit"
fee = "Rp 30.000"
product = "SKCK"
complaint = "Propam"

[[service]]
code = "S4"
name = "Haji"
agency = "KMG"
prefix = "K"
wait_target_min = 30
service_std_min = 15
daily_quota = 0
priority_allowed = true
days = ["tue"]
hours = "08:00-14:00"
[service.standard]
requirements = ["KTP"]
procedure = ["Ambil nomor"]
time_standard = "1 hari"
fee = "Gratis"
product = "Informasi"
complaint = "Pengaduan"

[[counter]]
id = 1
name = "Loket 1"
zone = "A"
agency = "DUK"
services = ["S1", "S2"]
[[counter]]
id = 2
name = "Loket 2"
zone = "B"
agency = "POL"
services = ["S3"]
[[counter]]
id = 3
name = "Loket 3"
zone = "A"
agency = "DUK"
services = ["S1", "S3"]
[[counter]]
id = 4
name = "Loket 4"
zone = "B"
agency = "KMG"
services = ["S4"]
)toml";

}  // namespace mpp::testing

"""Write the MADE-UP example data of examples/multi-unit (deterministic).

The kabupaten are real names in Kalimantan Selatan; every number is invented
by a seeded random generator and describes no real agency. One kabupaten
leaves a category out and one reports no population at all, so the output
shows the missing-data and not-computable statuses too.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import sakipcalc

HERE = Path(__file__).parent
UNITS = ["tanah_laut", "banjar", "barito_kuala", "tapin", "hulu_sungai_selatan"]
NAMES = {
    "tanah_laut": "Kabupaten Tanah Laut",
    "banjar": "Kabupaten Banjar",
    "barito_kuala": "Kabupaten Barito Kuala",
    "tapin": "Kabupaten Tapin",
    "hulu_sungai_selatan": "Kabupaten Hulu Sungai Selatan",
}


def main() -> None:
    # The spec imports the Tanah Laut PMKS breakdowns, outside its own directory.
    tanah_laut = HERE.parent.parent / "specs" / "tanah-laut-dinsos-2022"
    spec = sakipcalc.load(HERE / "spec", allow_roots=[tanah_laut])
    rng = random.Random(2022)
    rows: list[list[str]] = []
    for unit in UNITS:
        population: dict[str, int] = {}
        for cat in spec.variable_categories("pmks_population"):
            population[cat] = 0 if unit == "tapin" else rng.randint(20, 3000)
            rows.append([unit, "pmks_population", cat, "2022", str(population[cat])])
        for cat in spec.variable_categories("pmks_handled"):
            if unit == "barito_kuala" and cat == "fakir_miskin":
                continue  # not reported: shows as missing data
            rows.append([unit, "pmks_handled", cat, "2022", str(rng.randint(0, population[cat]))])
        for cat in spec.variable_categories("pmks_mandiri_count"):
            rows.append([unit, "pmks_mandiri_count", cat, "2022", str(rng.randint(0, 400))])
        rows.append([unit, "pmks_kube", "", "2022", f"{rng.randint(5000, 9999) / 100:.2f}"])
        rows.append([unit, "psks_terlatih", "", "2022", f"{rng.randint(6000, 10000) / 100:.2f}"])
    with open(HERE / "data-made-up.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "name", "category", "period", "value"])
        writer.writerows(rows)
    with open(HERE / "targets-made-up.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "indicator", "period", "target"])
        writer.writerow(["banjar", "pmks_mandiri", "2022", "20"])
        writer.writerow(["tapin", "pmks_kube", "2022", "70"])
    # The hierarchy is real (these kabupaten are in Kalimantan Selatan); it holds no figures.
    with open(HERE / "units.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["unit", "name", "parent", "level"])
        writer.writerow(["indonesia", "Indonesia", "", "nasional"])
        writer.writerow(
            ["kalimantan_selatan", "Provinsi Kalimantan Selatan", "indonesia", "provinsi"]
        )
        for unit in UNITS:
            writer.writerow([unit, NAMES[unit], "kalimantan_selatan", "kabupaten"])


if __name__ == "__main__":
    main()

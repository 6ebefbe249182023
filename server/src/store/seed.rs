//! Reference data compiled into the binary: the official list of Zhangye's county- and township-level units.

use app::domain::calendar::{Date, DayKind};
use app::domain::eligibility::LocalStandards;
use app::domain::guide::GuidePage;
use app::domain::region::{County, Township};
use app::store::StoreError;

const TOWNSHIPS_CSV: &str = include_str!("../../seed/zhangye-townships.csv");
/// Placeholder figures for a first start, stored unconfirmed until an administrator enters the real ones.
const STANDARDS_CSV: &str = include_str!("../../seed/local-standards-defaults.csv");

/// Parses the embedded list into counties (in first-seen order) and townships, checking every code.
pub fn zhangye_divisions() -> Result<(Vec<County>, Vec<Township>), StoreError> {
    parse_divisions(TOWNSHIPS_CSV)
}

#[derive(serde::Deserialize)]
struct Row {
    code: String,
    name: String,
    county_code: String,
    county_name: String,
}

fn parse_divisions(csv_text: &str) -> Result<(Vec<County>, Vec<Township>), StoreError> {
    let mut counties: Vec<County> = Vec::new();
    let mut townships = Vec::new();
    for (line, row) in csv::Reader::from_reader(csv_text.as_bytes()).deserialize::<Row>().enumerate() {
        let row = row.map_err(|e| StoreError::InvalidData(format!("township list row {}: {e}", line + 2)))?;
        if !counties.iter().any(|c| c.code == row.county_code) {
            counties.push(County { code: row.county_code.clone(), name: row.county_name });
        }
        let township = Township { code: row.code, name: row.name, county_code: row.county_code };
        township.check().map_err(|e| StoreError::InvalidData(e.to_string()))?;
        townships.push(township);
    }
    Ok((counties, townships))
}

/// The State Council's 2026 holiday arrangement (notice of 2025-11-04): days off
/// and the weekend days worked in exchange. Later years are entered by the administrator.
const CALENDAR_CSV: &str = include_str!("../../seed/calendar-2026.csv");

pub fn calendar_days() -> Result<Vec<(Date, DayKind, String)>, StoreError> {
    csv::Reader::from_reader(CALENDAR_CSV.as_bytes())
        .deserialize::<(String, String, String)>()
        .enumerate()
        .map(|(line, row)| {
            let bad = |what: &str| StoreError::InvalidData(format!("calendar row {}: {what}", line + 2));
            let (day, kind, note) = row.map_err(|e| bad(&e.to_string()))?;
            let day = Date::parse(&day).ok_or_else(|| bad("bad date"))?;
            let kind = DayKind::from_key(&kind).ok_or_else(|| bad("bad kind"))?;
            Ok((day, kind, note))
        })
        .collect()
}

/// The guide as first written, in reading order: (slug, Markdown source with front matter).
const GUIDE_SOURCES: [(&str, &str); 12] = [
    ("process", include_str!("../../seed/guide/01-process.md")),
    ("dibao", include_str!("../../seed/guide/02-dibao.md")),
    ("tekun", include_str!("../../seed/guide/03-tekun.md")),
    ("dibao-edge", include_str!("../../seed/guide/04-dibao-edge.md")),
    ("rigid-spending", include_str!("../../seed/guide/05-rigid-spending.md")),
    ("temporary", include_str!("../../seed/guide/06-temporary.md")),
    ("medical", include_str!("../../seed/guide/07-medical.md")),
    ("education", include_str!("../../seed/guide/08-education.md")),
    ("housing", include_str!("../../seed/guide/09-housing.md")),
    ("employment", include_str!("../../seed/guide/10-employment.md")),
    ("disaster", include_str!("../../seed/guide/11-disaster.md")),
    ("other", include_str!("../../seed/guide/12-other.md")),
];

pub fn guide_pages() -> Result<Vec<GuidePage>, StoreError> {
    (1..)
        .zip(GUIDE_SOURCES)
        .map(|(order, (slug, source))| {
            GuidePage::from_source(slug, order, source).map_err(|e| StoreError::InvalidData(e.to_string()))
        })
        .collect()
}

#[derive(serde::Deserialize)]
struct StandardsSeedRow {
    county_code: String,
    dibao_urban_monthly: u32,
    dibao_rural_monthly: u32,
    disposable_income_urban_yearly: u32,
    disposable_income_rural_yearly: u32,
    rigid_spending_share_percent: u32,
}

/// The default local standards, one row per county, unconfirmed.
pub fn default_standards() -> Result<Vec<LocalStandards>, StoreError> {
    csv::Reader::from_reader(STANDARDS_CSV.as_bytes())
        .deserialize::<StandardsSeedRow>()
        .map(|row| {
            let row = row.map_err(|e| StoreError::InvalidData(format!("local standards defaults: {e}")))?;
            Ok(LocalStandards {
                county_code: row.county_code,
                county_name: String::new(),
                dibao_urban_monthly: row.dibao_urban_monthly,
                dibao_rural_monthly: row.dibao_rural_monthly,
                disposable_income_urban_yearly: row.disposable_income_urban_yearly,
                disposable_income_rural_yearly: row.disposable_income_rural_yearly,
                rigid_spending_share_percent: row.rigid_spending_share_percent,
                confirmed: false,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_official_list_has_6_counties_and_78_townships() {
        let (counties, townships) = zhangye_divisions().unwrap();
        assert_eq!(counties.len(), 6);
        assert_eq!(townships.len(), 78);
        assert_eq!(counties[0], County { code: "620702".into(), name: "甘州区".into() });
        let mut codes: Vec<_> = townships.iter().map(|t| &t.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 78, "township codes are unique");
    }

    #[test]
    fn every_county_has_default_standards() {
        let (counties, _) = zhangye_divisions().unwrap();
        let defaults = default_standards().unwrap();
        for county in &counties {
            assert!(defaults.iter().any(|s| s.county_code == county.code), "{}", county.name);
        }
        assert!(defaults.iter().all(|s| !s.confirmed && s.dibao_urban_monthly > 0));
    }

    #[test]
    fn every_assistance_type_has_a_guide_page() {
        use app::domain::assistance::AssistanceType;
        let pages = guide_pages().unwrap();
        for kind in AssistanceType::ALL {
            assert!(pages.iter().any(|p| p.slug == kind.guide_slug()), "{kind:?}");
        }
    }

    #[test]
    fn a_township_outside_its_county_is_rejected() {
        let bad = "code,name,county_code,county_name\n620721001,某镇,620702,甘州区\n";
        assert!(matches!(parse_divisions(bad), Err(StoreError::InvalidData(_))));
    }
}

//! Reference data compiled into the binary: the official list of Zhangye's county- and township-level units.

use app::domain::region::{County, Township};
use app::store::StoreError;

const TOWNSHIPS_CSV: &str = include_str!("../../seed/zhangye-townships.csv");

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
    fn a_township_outside_its_county_is_rejected() {
        let bad = "code,name,county_code,county_name\n620721001,某镇,620702,甘州区\n";
        assert!(matches!(parse_divisions(bad), Err(StoreError::InvalidData(_))));
    }
}

//! The documents an application needs (the digital 一次性告知): which ones follow from the answers, and
//! which are still missing. Files themselves are checked by `upload`; here they are only named.

use super::application::Draft;
use super::assistance::AssistanceType;
use serde::{Deserialize, Serialize};

/// At most this many files per application, so a draft stays small.
pub const MAX_DOCUMENTS: usize = 12;

keyed_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum DocumentKind {
        /// 居民身份证 of the applicant (both sides).
        IdCard => ("id_card", "申请人和共同生活家庭成员的身份证"),
        /// 户口簿: the pages of every household member.
        Hukou => ("hukou", "户口簿"),
        /// 医疗费用票据或诊断证明
        MedicalRecords => ("medical", "诊断证明和医疗费用票据"),
        /// 残疾证
        DisabilityCertificate => ("disability", "残疾人证"),
        /// 在校证明或学费票据
        SchoolRecords => ("school", "在校学生的学籍证明或录取通知书"),
        /// 住房情况证明（危房鉴定等）
        HousingRecords => ("housing", "住房现状照片或房屋安全鉴定材料"),
        /// 失业登记或就业困难证明
        EmploymentRecords => ("employment", "失业登记或就业困难证明"),
        /// 受灾情况说明或照片
        DisasterRecords => ("disaster", "受灾、事故或突发困难的相关证明（没有可不提供，由乡镇核实）"),
        /// Anything else the applicant wants to show.
        Other => ("other", "其他材料"),
    }
}

/// A file uploaded with the draft (already cleaned and stored under its SHA-256).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftDocument {
    pub kind: DocumentKind,
    pub sha256: String,
    pub content_type: String,
    pub size: u64,
}

/// The documents the answers call for, in a fixed order.
pub fn required_documents(draft: &Draft) -> Vec<DocumentKind> {
    let asks = |kind: AssistanceType| draft.types.contains(&kind);
    let anyone = |test: fn(&super::application::Member) -> bool| draft.members.iter().any(test);
    let medical_costs = draft.spending.as_ref().is_some_and(|s| s.medical > 0);
    let school_costs = draft.spending.as_ref().is_some_and(|s| s.education > 0);
    let needed = [
        (DocumentKind::IdCard, true),
        (DocumentKind::Hukou, true),
        (
            DocumentKind::MedicalRecords,
            asks(AssistanceType::Medical) || medical_costs || anyone(|m| m.seriously_ill),
        ),
        (DocumentKind::DisabilityCertificate, anyone(|m| m.disabled)),
        (
            DocumentKind::SchoolRecords,
            asks(AssistanceType::Education) || school_costs || anyone(|m| m.in_school),
        ),
        (DocumentKind::HousingRecords, asks(AssistanceType::Housing)),
        (DocumentKind::EmploymentRecords, asks(AssistanceType::Employment)),
        (DocumentKind::DisasterRecords, asks(AssistanceType::Disaster) || asks(AssistanceType::Temporary)),
    ];
    needed.into_iter().filter(|(_, needed)| *needed).map(|(kind, _)| kind).collect()
}

/// The required documents with no file yet: what the check page lists before submission.
pub fn missing_documents(draft: &Draft) -> Vec<DocumentKind> {
    required_documents(draft)
        .into_iter()
        .filter(|kind| !draft.documents.iter().any(|d| d.kind == *kind))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::application::{Applicant, Spending};
    use crate::domain::id_number::{BirthDate, IdNumber};

    fn draft() -> Draft {
        let applicant = Applicant {
            name: "王秀兰".into(),
            id_number: IdNumber::parse("11010519491231002X", BirthDate { year: 2026, month: 11, day: 29 })
                .unwrap(),
            phone: "13912345678".into(),
        };
        Draft::new("key".into(), applicant)
    }

    #[test]
    fn everyone_needs_the_id_card_and_the_hukou() {
        let mut draft = draft();
        draft.types = vec![AssistanceType::Dibao];
        assert_eq!(required_documents(&draft), vec![DocumentKind::IdCard, DocumentKind::Hukou]);
    }

    #[test]
    fn the_answers_add_what_proves_them() {
        let mut draft = draft();
        draft.types = vec![AssistanceType::Dibao, AssistanceType::Housing];
        draft.members[0].disabled = true;
        draft.spending = Some(Spending { medical: 1200, education: 0 });
        assert_eq!(
            required_documents(&draft),
            vec![
                DocumentKind::IdCard,
                DocumentKind::Hukou,
                DocumentKind::MedicalRecords,
                DocumentKind::DisabilityCertificate,
                DocumentKind::HousingRecords,
            ]
        );
        draft.types = vec![AssistanceType::Education, AssistanceType::Employment, AssistanceType::Disaster];
        let required = required_documents(&draft);
        for kind in
            [DocumentKind::SchoolRecords, DocumentKind::EmploymentRecords, DocumentKind::DisasterRecords]
        {
            assert!(required.contains(&kind), "{kind:?}");
        }
    }

    #[test]
    fn an_uploaded_document_is_no_longer_missing() {
        let mut draft = draft();
        draft.types = vec![AssistanceType::Dibao];
        draft.documents.push(DraftDocument {
            kind: DocumentKind::Hukou,
            sha256: "ab".repeat(32),
            content_type: "image/jpeg".into(),
            size: 1000,
        });
        assert_eq!(missing_documents(&draft), vec![DocumentKind::IdCard]);
        assert!(DocumentKind::ALL.iter().all(|k| DocumentKind::from_key(k.key()) == Some(*k)));
    }
}

//! The 授权书 and 承诺书 of a household: one A4 page per adult member, prefilled with the household and
//! the member, the paper wording, room to sign and press a fingerprint, and the words the applicant agreed
//! to online (kept with the application) so that the paper and the online consent can be compared.

use super::layout::{cell, Layout};
use super::DocumentFont;
use app::domain::calendar::Date;
use app::domain::consent::{AUTHORIZATION_ON_PAPER, PROMISE_ON_PAPER, SIGNING_AGE};
use app::features::case_papers::{ConsentForms, Signer};

const TEXT: f32 = 10.5;

pub fn consent_forms_pdf(font: &DocumentFont, forms: &ConsentForms) -> Result<Vec<u8>, String> {
    let mut page = Layout::new(font);
    // A household whose members are all minors still gets one page, for the guardian to fill in.
    let blank = [Signer { relationship: "", name: String::new(), id_number: String::new() }];
    let signers = if forms.signers.is_empty() { &blank[..] } else { &forms.signers[..] };
    for (n, signer) in signers.iter().enumerate() {
        if n > 0 {
            page.new_page();
        }
        signer_page(&mut page, forms, signer);
    }
    let title = format!("家庭经济状况核对授权书和承诺书 {}", forms.reference);
    page.into_pdf(&title, |n, pages| {
        format!("案件编号 {}　第 {n} 页 共 {pages} 页　{}", forms.reference, forms.printed)
    })
}

fn signer_page(page: &mut Layout, forms: &ConsentForms, signer: &Signer) {
    page.centred("家庭经济状况核对授权书和承诺书", 16.0);
    page.gap(6.0);
    let household = format!(
        "案件编号：{}　申请人：{}\n户籍地：{} {}　住址：{}",
        forms.reference, forms.applicant, forms.township, forms.village, forms.address
    );
    page.paragraph(&household, TEXT);
    page.gap(6.0);
    page.row(&[cell(1.5, "与申请人关系"), cell(2.0, "姓名"), cell(3.0, "身份证号码")], TEXT, 0.0);
    page.row(
        &[cell(1.5, signer.relationship), cell(2.0, &signer.name), cell(3.0, &signer.id_number)],
        TEXT,
        24.0,
    );
    heading(page, "授权书");
    page.paragraph(AUTHORIZATION_ON_PAPER, TEXT);
    heading(page, "承诺书");
    page.paragraph(PROMISE_ON_PAPER, TEXT);
    page.gap(10.0);
    page.row(&[cell(1.0, "本人签字（按手印）："), cell(1.0, "日期：　　　年　　月　　日")], TEXT, 64.0);
    heading(page, "申请人网上提交申请时同意的内容");
    let agreed = match &forms.agreed {
        Some(agreed) => {
            format!("（文本版本 {}，{}）\n{}", agreed.version, Date::moment_in_china(agreed.at), agreed.text)
        }
        None => "（本申请提交时尚未保存同意的原文。）".to_string(),
    };
    page.paragraph(&agreed, 9.0);
    page.gap(8.0);
    let note = format!(
        "未满{SIGNING_AGE}周岁的家庭成员由监护人代为签字。签字后交乡镇（街道）经办人，经办人在案件中记录“已收回签字的授权书”并拍照存档。"
    );
    page.paragraph(&note, 9.0);
}

fn heading(page: &mut Layout, title: &str) {
    page.gap(8.0);
    page.paragraph(title, 12.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::consent::AgreedWording;

    fn forms(signers: Vec<Signer>) -> ConsentForms {
        ConsentForms {
            reference: "ZY20261204-ABC123".into(),
            township: "东街街道".into(),
            village: "城关村".into(),
            address: "3组12号".into(),
            applicant: "王秀兰".into(),
            signers,
            agreed: Some(AgreedWording::current(1_764_800_000)),
            printed: "2026-12-04 10:00 由 张三 打印".into(),
        }
    }

    fn text_of(pdf: &[u8]) -> (usize, String) {
        let document = lopdf::Document::load_mem(pdf).unwrap();
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        (pages.len(), document.extract_text(&pages).unwrap().split_whitespace().collect())
    }

    #[test]
    fn each_adult_signs_a_page_of_their_own_and_a_household_of_minors_gets_one_blank_page() {
        let font = crate::documents::test_font().expect("the document font is installed (scripts/setup.sh)");
        let signer = |relationship, name: &str| Signer {
            relationship,
            name: name.into(),
            id_number: "11010519491231002X".into(),
        };
        let pdf = consent_forms_pdf(&font, &forms(vec![signer("本人", "王秀兰"), signer("配偶", "李建国")]))
            .unwrap();
        let (pages, text) = text_of(&pdf);
        assert_eq!(pages, 2);
        assert_eq!(text.matches("本人签字（按手印）").count(), 2);
        assert!(text.contains("李建国") && text.contains("文本版本2026-12"), "{text}");
        let (pages, text) = text_of(&consent_forms_pdf(&font, &forms(Vec::new())).unwrap());
        assert_eq!(pages, 1);
        assert!(text.contains("由监护人代为签字"), "{text}");
    }
}

//! The 审批表 of a case for the archive, in the layout of a Chinese social-assistance approval form: the
//! case's heading, the applicant and household, the economic situation, the account of hardship, the
//! documents, every step with who and when, the notice and its objections, then the township's and the
//! county's opinion boxes with room for signatures and seals.

use super::layout::{cell, Layout};
use super::DocumentFont;
use app::domain::application::Draft;
use app::features::case_papers::{ApprovalForm, FormStep};

const TEXT: f32 = 9.5;
const SMALL: f32 = 8.5;
/// Room in each opinion box for a signature and a seal.
const OPINION_HEIGHT: f32 = 120.0;

pub fn approval_form_pdf(font: &DocumentFont, form: &ApprovalForm) -> Result<Vec<u8>, String> {
    let mut page = Layout::new(font);
    page.centred("张掖市社会救助申请审核审批表", 16.0);
    page.gap(4.0);
    page.paragraph(&format!("案件编号：{}　　当前状态：{}", form.reference, form.status), TEXT);
    page.gap(4.0);
    heading_rows(&mut page, form);
    household_rows(&mut page, &form.draft);
    economy_rows(&mut page, &form.draft);
    documents_row(&mut page, form);
    steps_table(&mut page, &form.steps);
    notice_rows(&mut page, form);
    opinion_boxes(&mut page, form);
    let title = format!("社会救助申请审核审批表 {}", form.reference);
    page.into_pdf(&title, |n, pages| {
        format!("案件编号 {}　第 {n} 页 共 {pages} 页　{}", form.reference, form.printed)
    })
}

fn heading_rows(page: &mut Layout, form: &ApprovalForm) {
    let place = format!("{} {}", form.township, form.village);
    let kind = if form.emergency { format!("{}（急难）", form.types) } else { form.types.clone() };
    page.row(&[cell(1.0, "户籍地"), cell(3.0, &place), cell(1.0, "申请类别"), cell(3.0, &kind)], TEXT, 0.0);
    page.row(
        &[
            cell(1.0, "提交时间"),
            cell(3.0, &form.submitted_at),
            cell(1.0, "办结期限"),
            cell(3.0, &form.decision_due),
        ],
        TEXT,
        0.0,
    );
}

fn household_rows(page: &mut Layout, draft: &Draft) {
    let address = draft.place.as_ref().map(|p| p.address.as_str()).unwrap_or("");
    let applicant = format!("{}　手机 {}", draft.applicant.name, draft.applicant.phone);
    page.row(&[cell(1.0, "申请人"), cell(3.0, &applicant), cell(1.0, "住址"), cell(3.0, address)], TEXT, 0.0);
    if let Some(helper) = &draft.filed_by {
        let helper = format!("{}，手机 {}", helper.describe(), helper.phone);
        page.row(&[cell(1.0, "代办人"), cell(7.0, &helper)], TEXT, 0.0);
    }
    section(page, &format!("家庭成员（{}人）", draft.members.len()));
    page.row(
        &[cell(1.2, "与申请人关系"), cell(1.3, "姓名"), cell(2.5, "身份证号码"), cell(3.0, "情况")],
        SMALL,
        0.0,
    );
    for m in &draft.members {
        let situation = m.situation();
        let cells = [
            cell(1.2, m.relationship.label()),
            cell(1.3, &m.name),
            cell(2.5, m.id_number.as_str()),
            cell(3.0, &situation),
        ];
        page.row(&cells, SMALL, 0.0);
    }
}

fn economy_rows(page: &mut Layout, draft: &Draft) {
    section(page, "家庭经济状况（申请人申报）");
    let income = draft.income.as_ref().map(|i| i.describe()).unwrap_or_default();
    let assets = draft.assets.as_ref().map(|a| a.summary()).unwrap_or_default();
    let spending = draft.spending.as_ref().map(|s| s.describe()).unwrap_or_default();
    for (label, text) in [("家庭收入", income), ("家庭财产", assets), ("刚性支出", spending)] {
        page.row(&[cell(1.0, label), cell(7.0, &text)], TEXT, 0.0);
    }
    let account = draft.account.as_deref().unwrap_or("");
    page.row(&[cell(1.0, "困难情况"), cell(7.0, account)], TEXT, 0.0);
}

fn documents_row(page: &mut Layout, form: &ApprovalForm) {
    let listed = if form.documents.is_empty() { "（无）".to_string() } else { form.documents.join("\n") };
    page.row(&[cell(1.0, "申请材料及照片"), cell(7.0, &listed)], SMALL, 0.0);
}

fn steps_table(page: &mut Layout, steps: &[FormStep]) {
    section(page, "办理过程");
    page.row(
        &[cell(1.6, "时间"), cell(1.6, "环节"), cell(1.8, "经办人"), cell(3.0, "意见和说明")],
        SMALL,
        0.0,
    );
    for step in steps {
        let cells =
            [cell(1.6, &step.at), cell(1.6, step.what), cell(1.8, &step.actor), cell(3.0, &step.note)];
        page.row(&cells, SMALL, 0.0);
    }
}

fn notice_rows(page: &mut Layout, form: &ApprovalForm) {
    let Some(until) = &form.notice_until else { return };
    section(page, "公示情况");
    let period = match form.objections.len() {
        0 => format!("公示至{until}，公示期间无异议。"),
        n => format!("公示至{until}，收到异议{n}件："),
    };
    page.row(&[cell(1.0, "公示"), cell(7.0, &period)], TEXT, 0.0);
    for (on, reason) in &form.objections {
        page.row(&[cell(1.0, on), cell(7.0, reason)], SMALL, 0.0);
    }
}

fn opinion_boxes(page: &mut Layout, form: &ApprovalForm) {
    let amount = form.monthly_amount.map(|a| format!("\n拟救助金额：每月 {a} 元")).unwrap_or_default();
    let township = opinion_text(form.township_opinion.as_ref(), &amount);
    let county = opinion_text(form.county_opinion.as_ref(), "");
    let seal = "\n\n经办人（签字）：　　　　　负责人（签字）：\n\n（盖章）　　　　年　　月　　日";
    page.row(
        &[cell(1.0, "乡镇（街道）审核意见"), cell(7.0, &format!("{township}{seal}"))],
        TEXT,
        OPINION_HEIGHT,
    );
    page.row(
        &[cell(1.0, "县级民政部门审批意见"), cell(7.0, &format!("{county}{seal}"))],
        TEXT,
        OPINION_HEIGHT,
    );
}

/// "2026-12-04 10:00 张三（东街街道审核员）：同意，拟每月530元" or blank space for a hand-written opinion.
fn opinion_text(step: Option<&FormStep>, amount: &str) -> String {
    match step {
        Some(step) => format!("{}：{}（{} {}）{amount}", step.what, step.note, step.actor, step.at),
        None => String::new(),
    }
}

fn section(page: &mut Layout, title: &str) {
    page.gap(6.0);
    page.paragraph(title, 11.0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::application::Applicant;
    use app::domain::id_number::{BirthDate, IdNumber};

    fn form(steps: usize) -> ApprovalForm {
        let born = BirthDate { year: 2026, month: 11, day: 29 };
        let applicant = Applicant {
            name: "王秀兰".into(),
            id_number: IdNumber::parse("11010519491231002X", born).unwrap(),
            phone: "13912345678".into(),
        };
        let mut draft = Draft::new("key".into(), applicant);
        draft.account = Some("去年查出尿毒症，每周透析三次。".repeat(60));
        let step = |n: usize| FormStep {
            at: format!("2026-12-{:02} 10:00", n % 28 + 1),
            what: "记录入户调查",
            actor: "张三（乡镇（街道）审核）".into(),
            note: format!("第{n}次入户"),
        };
        ApprovalForm {
            reference: "ZY20261204-ABC123".into(),
            status: "已批准",
            township: "东街街道".into(),
            village: "城关村".into(),
            types: "最低生活保障（低保）".into(),
            emergency: false,
            submitted_at: "2026-12-01 09:30".into(),
            decision_due: "2027年1月12日".into(),
            draft,
            documents: vec!["申请材料·户口簿：照片（120KB）".into()],
            steps: (1..=steps).map(step).collect(),
            notice_until: Some("2026年12月20日".into()),
            objections: vec![("2026年12月15日".into(), "他家有车".into())],
            monthly_amount: Some(640),
            township_opinion: Some(step(1)),
            county_opinion: None,
            printed: "2026-12-21 08:00 由 张三 打印".into(),
        }
    }

    fn pages_and_text(pdf: &[u8]) -> (usize, String) {
        let document = lopdf::Document::load_mem(pdf).unwrap();
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        let text = document.extract_text(&pages).unwrap();
        (pages.len(), text.split_whitespace().collect())
    }

    #[test]
    fn a_long_history_runs_over_several_numbered_pages_and_reads_back_whole() {
        let font = crate::documents::test_font().expect("the document font is installed (scripts/setup.sh)");
        let pdf = approval_form_pdf(&font, &form(120)).unwrap();
        let (pages, text) = pages_and_text(&pdf);
        println!("审批表 with 120 steps: {pages} pages, {} bytes", pdf.len());
        assert!(pages >= 4, "{pages} pages");
        assert!(text.contains(&format!("第{pages}页共{pages}页")), "every page is numbered");
        for words in ["第1次入户", "第120次入户", "异议1件", "他家有车", "每月640元", "11010519491231002X"]
        {
            assert!(text.contains(words), "{words}");
        }
        assert_eq!(text.matches("经办人（签字）").count(), 2, "both opinion boxes, once each");
    }

    #[test]
    fn the_font_is_subset_so_a_form_stays_small() {
        let font = crate::documents::test_font().expect("the document font is installed (scripts/setup.sh)");
        let pdf = approval_form_pdf(&font, &form(8)).unwrap();
        println!("审批表 with 8 steps: {} bytes", pdf.len());
        assert!(pdf.len() < 200_000, "the 5 MB font is not embedded whole: {} bytes", pdf.len());
    }
}

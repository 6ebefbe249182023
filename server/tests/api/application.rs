//! The application form over real HTTP: every step posted as a browser without JavaScript would, the
//! errors kept next to the fields, the draft kept between visits, and an idempotent submission that
//! lands in the township's queue with the personal data sealed.

use crate::common::{id_number, location, post, spawn_app, TestApp};
use reqwest::StatusCode;

const PHONE: &str = "13912345678";
const NAME: &str = "王秀兰";
const TOWNSHIP: &str = "620702001";

#[tokio::test]
async fn a_resident_fills_in_the_form_and_submits_once_into_the_township_queue() {
    let app = spawn_app().await;
    let applicant_id = id_number("62070219700101202");
    app.verify_resident(PHONE, NAME, &applicant_id).await;
    let (_, html) = app.page("/apply/identity/done").await;
    assert!(html.contains(r#"href="/apply/form/types""#), "the form starts at the first question");

    crate::common::fill_in_everything(&app, TOWNSHIP).await;
    let (status, html) = app.page("/apply/form/check").await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "最低生活保障（低保）、医疗救助",
        "城关村",
        "子女 王小明",
        "每月约 300 元",
        "看病 18000 元",
        "诊断证明和医疗费用票据",
    ] {
        assert!(html.contains(expected), "check page shows {expected}");
    }
    assert!(html.contains(r#"href="/apply/form/income?return=check""#), "each answer has a change link");
    assert!(!html.contains(&applicant_id), "the full ID number is not shown back");

    // Without the consent nothing is submitted.
    let key = crate::common::submission_key(&html);
    let back = post(&app, "/apply/submit", &[("submission_key", &key)]).await;
    assert!(back.starts_with("/apply/form/check?flash="), "{back}");
    let (_, html) = app.page(&back).await;
    assert!(html.contains("需要您同意核对家庭经济状况"));

    let done = post(&app, "/apply/submit", &[("submission_key", &key), ("consent", "yes")]).await;
    assert!(done.starts_with("/apply/submitted/ZY"), "{done}");
    let reference = done.trim_start_matches("/apply/submitted/").to_string();
    let (status, html) = app.page(&done).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&reference) && html.contains("申请已提交") && html.contains("甘州区"));
    assert!(html.contains("受理："), "the next step and its deadline");

    // A double click: the same application, not a second one.
    let again = post(&app, "/apply/submit", &[("submission_key", &key), ("consent", "yes")]).await;
    assert_eq!(again, done);
    the_township_queue_holds_it_once_with_the_personal_data_sealed(&app, &reference, &applicant_id).await;
    the_receipt_is_for_the_applicant_s_own_phone_only(&app, &reference, &html).await;
    app.stop().await;
}

async fn the_township_queue_holds_it_once_with_the_personal_data_sealed(
    app: &TestApp,
    reference: &str,
    applicant_id: &str,
) {
    let store = server::store::open(&app.database_url).await.unwrap();
    let scope = app::store::QueueScope::Township(TOWNSHIP.into());
    let (queue, _) = store.review_queue(&crate::common::whole_queue(scope)).await.unwrap();
    assert_eq!(queue.len(), 1);
    let case = &queue[0];
    assert_eq!(case.reference, reference);
    assert_eq!(case.household_size, 2);
    assert_eq!(case.status, app::domain::workflow::Status::Submitted);
    for secret in [NAME, applicant_id, PHONE, "尿毒症"] {
        assert!(!case.sealed.contains(secret), "{secret} is sealed");
    }
    assert_eq!(store.case_events(case.id).await.unwrap().len(), 1);
    store.close().await;
}

/// The receipt, on the page (`receipt_page`) and as a picture, is for the applicant's own phone only.
async fn the_receipt_is_for_the_applicant_s_own_phone_only(
    app: &TestApp,
    reference: &str,
    receipt_page: &str,
) {
    let done = format!("/apply/submitted/{reference}");
    let image = format!("{done}/receipt.png");
    assert!(
        receipt_page.contains(&format!(r#"alt="申请回执图片：申请编号 {reference}""#)),
        "the picture names its reference"
    );
    let response = app.get(&image).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/png");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_string();
    let named: String =
        url::form_urlencoded::byte_serialize(format!("申请回执-{reference}.png").as_bytes()).collect();
    assert!(disposition.ends_with(&named), "{disposition}");
    let png = response.bytes().await.unwrap();
    let header = png::Decoder::new(std::io::Cursor::new(png.to_vec())).read_info().unwrap().info().clone();
    assert_eq!(header.width, 720, "the receipt decodes as a picture");
    let stranger = TestApp::new_client();
    let html = stranger.get(app.url(&done)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("无法显示这份回执") && !html.contains("甘州区"));
    let response = stranger.get(app.url(&image)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "no picture of another phone's receipt");
}

#[tokio::test]
async fn a_failed_step_keeps_what_was_typed_and_explains_each_field() {
    let app = spawn_app().await;
    app.verify_resident(PHONE, NAME, &id_number("62070219700101202")).await;
    let back = post(&app, "/apply/form/types", &[]).await;
    let (_, html) = app.page(&back).await;
    assert!(html.contains("请至少选择一项救助"));

    let member = [
        ("op", "add"),
        ("relationship", "spouse"),
        ("member_name", "李大山"),
        ("member_id_number", "62070219700101"),
    ];
    let back = post(&app, "/apply/form/household", &member).await;
    assert!(back.starts_with("/apply/form/household?flash="), "{back}");
    let (_, html) = app.page(&back).await;
    assert!(html.contains(r#"id="member_id_number-error""#) && html.contains("身份证号码应为18位"));
    assert!(html.contains(r#"value="李大山""#), "the name typed is kept");

    let back = post(&app, "/apply/form/income", &[("wages", "一千")]).await;
    let (_, html) = app.page(&back).await;
    assert!(html.contains("工资收入只填数字") && html.contains(r#"value="一千""#));
    app.stop().await;
}

#[tokio::test]
async fn a_post_no_page_sends_is_refused_whole_and_keeps_the_draft() {
    let app = spawn_app().await;
    app.verify_resident(PHONE, NAME, &id_number("62070219700101202")).await;
    let account = "丈夫去年因病去世，家里没有收入来源。";
    assert_eq!(post(&app, "/apply/form/account", &[("account", account)]).await, "/apply/form/check");
    let twice =
        app.post_form("/apply/form/account", &[("account", "第二份说明"), ("account", "第三份")]).await;
    assert_eq!(twice.status(), StatusCode::BAD_REQUEST, "a field the form has once, posted twice");
    let unknown = app.post_form("/apply/form/household", &[("op", "remove_all")]).await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST, "a button the page does not have");
    let (_, html) = app.page("/apply/form/account").await;
    assert!(html.contains(&format!(">{account}</textarea>")), "the saved answer stands: {html}");
    assert_eq!(post(&app, "/apply/form/household", &[]).await, "/apply/form/household", "no button: stays");
    app.stop().await;
}

#[tokio::test]
async fn the_draft_is_kept_and_resumed_on_another_phone_after_a_new_sms_check() {
    let mut app = spawn_app().await;
    let applicant_id = id_number("62070219700101202");
    app.verify_resident(PHONE, NAME, &applicant_id).await;
    post(&app, "/apply/form/types", &[("types", "temporary"), ("emergency", "yes")]).await;
    post(&app, "/apply/form/place", &[("township", TOWNSHIP), ("village", "城关村"), ("address", "3组15号")])
        .await;

    // Another browser: the same phone passes the SMS check again and continues where it stopped.
    app.client = TestApp::new_client();
    let (_, html) = app.page("/apply/form/place").await;
    assert!(html.contains("请先核验身份") && !html.contains("城关村"), "nothing shown before the check");
    app.pass_resend_cooldown();
    app.verify_resident(PHONE, NAME, &applicant_id).await;
    let (_, html) = app.page("/apply/identity/done").await;
    assert!(html.contains(r#"href="/apply/form/household""#), "resumes at the first unanswered question");
    let (_, html) = app.page("/apply/form/place").await;
    assert!(html.contains(r#"value="城关村""#), "answers are filled in again");

    // Without a verified session nothing is saved and the resident is sent to verify.
    let stranger = TestApp::new_client();
    let response = stranger
        .post(app.url("/apply/form/types"))
        .header("origin", app.url(""))
        .header("sec-fetch-site", "same-origin")
        .form(&[("types", "dibao")])
        .send()
        .await
        .unwrap();
    assert!(location(&response).starts_with("/apply/identity?flash="));
    app.stop().await;
}

#[tokio::test]
async fn documents_are_checked_by_content_listed_while_missing_and_filed_with_the_application() {
    use crate::common::{photo_part, GPS_PHOTO};
    let app = spawn_app().await;
    app.verify_resident(PHONE, NAME, &id_number("62070219700101202")).await;
    crate::common::fill_in_everything(&app, TOWNSHIP).await;
    let (_, html) = app.page("/apply/form/check").await;
    // 低保 + 医疗救助, a son at school, the applicant seriously ill (see `fill_in_everything`).
    for missing in ["还缺以下材料", "户口簿", "诊断证明和医疗费用票据", "在校学生的学籍证明或录取通知书"]
    {
        assert!(html.contains(missing), "{missing}");
    }
    assert!(!html.contains("残疾人证"), "nobody in the household is disabled");
    files_that_are_not_documents_are_refused(&app).await;
    let sent = upload_document(&app, "hukou", photo_part(GPS_PHOTO)).await;
    assert_eq!(location(&sent), "/apply/form/check#documents");
    let wrong = upload_document(&app, "id_card", photo_part(GPS_PHOTO)).await;
    assert_eq!(location(&wrong), "/apply/form/check#documents");
    assert_eq!(
        location(&app.post_form("/apply/documents/remove", &[("index", "1")]).await),
        "/apply/form/check#documents"
    );
    let (_, html) = app.page("/apply/form/check").await;
    assert!(html.contains("户口簿：照片"), "the upload is listed");
    let missing = html.split("还缺以下材料").nth(1).unwrap().split("</ul>").next().unwrap();
    assert!(
        !missing.contains("户口簿") && missing.contains("身份证"),
        "hukou no longer missing, the removed ID card is"
    );

    let reference = crate::common::submit_checked(&app, &html).await;
    let (_, receipt) = app.page(&format!("/apply/submitted/{reference}")).await;
    assert!(receipt.contains("以下材料还没有上传") && receipt.contains("诊断证明和医疗费用票据"));
    staff_see_the_document_filed_without_its_location(&app, &reference).await;
    app.stop().await;
}

async fn upload_document(
    app: &TestApp,
    kind: &'static str,
    part: reqwest::multipart::Part,
) -> reqwest::Response {
    let form = crate::common::multipart_form(&[("kind", kind)]).part("document", part);
    app.post_multipart("/apply/documents", form).await
}

/// An executable named .jpg, a photo over 5 MB, a document of no kind: each refused with its reason.
async fn files_that_are_not_documents_are_refused(app: &TestApp) {
    use crate::common::{photo_part, GPS_PHOTO};
    use reqwest::multipart::Part;
    let upload = |kind: &'static str, part: Part| upload_document(app, kind, part);
    let executable =
        Part::bytes(b"MZ\x90\x00\x03\x00\x00\x00This program cannot be run in DOS mode.".to_vec())
            .file_name("户口簿.jpg")
            .mime_str("image/jpeg")
            .unwrap();
    let (_, html) = app.page(&location(&upload("hukou", executable).await)).await;
    assert!(html.contains("只能上传照片（JPG、PNG）或 PDF 文件"), "an executable renamed .jpg is refused");
    let mut oversized = vec![0xFF, 0xD8, 0xFF, 0xE0];
    oversized.resize(5 * 1024 * 1024 + 1, 0);
    let (_, html) = app.page(&location(&upload("hukou", photo_part(&oversized)).await)).await;
    assert!(html.contains("文件太大，每个文件不能超过5MB"), "an oversized photo is refused");
    let (_, html) = app.page(&location(&upload("", photo_part(GPS_PHOTO)).await)).await;
    assert!(html.contains("请选择上传的是什么材料"));
}

async fn staff_see_the_document_filed_without_its_location(app: &TestApp, reference: &str) {
    let store = server::store::open(&app.database_url).await.unwrap();
    let case = store.application_by_reference(reference).await.unwrap().unwrap();
    let files = store.case_files(case.id).await.unwrap();
    store.close().await;
    assert_eq!(files.iter().map(|f| f.source.as_str()).collect::<Vec<_>>(), vec!["document:hukou"]);
    let township = crate::common::Reviewer::sign_in(
        app,
        "dongjie",
        app::domain::staff::Role::TownshipReviewer,
        TOWNSHIP,
    )
    .await;
    let (_, page) = township.page(&format!("/review/case/{reference}")).await;
    assert!(page.contains("申请材料·户口簿：照片"), "staff see the document");
    let file = township.client.get(app.url(&format!("/review/case/{reference}/file/{}", files[0].id))).send();
    let bytes = file.await.unwrap().bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]) && !bytes.windows(4).any(|w| w == b"Exif"), "GPS removed");
}

#[tokio::test]
async fn a_helper_applies_for_a_resident_who_agrees_with_the_code_sent_to_their_own_phone() {
    let app = spawn_app().await;
    let (_, html) = app.page("/apply/helper").await;
    assert!(html.contains("代办人姓名") && html.contains("申请人本人的手机号码"));

    a_helpers_mistakes_come_back_next_to_the_fields(&app).await;

    let helper = crate::common::village_assistant_for(PHONE);
    assert_eq!(location(&app.post_form("/apply/helper/code", &helper).await), "/apply/identity?step=code");
    let sms = app.outbox.messages_to(PHONE).pop().expect("the code goes to the resident").text();
    assert!(sms.contains("村（社区）协理员张明申请为您代办"), "{sms}");
    assert!(app.outbox.messages_to("13900000001").is_empty(), "not to the helper");
    let (_, html) = app.page("/apply/identity?step=code").await;
    assert!(html.contains("代办：验证码已发送至申请人的手机") && html.contains("申请人身份证号码"));

    // The resident reads the code out; the helper types it with the resident's name and ID number.
    let code = app.outbox.last_code_to(PHONE).unwrap();
    let applicant_id = id_number("62070219700101202");
    let verify = [("code", code.as_str()), ("name", NAME), ("id_number", applicant_id.as_str())];
    assert_eq!(location(&app.post_form("/apply/identity/verify", &verify).await), "/apply/identity/done");
    crate::common::fill_in_everything(&app, TOWNSHIP).await;
    let (_, html) = app.page("/apply/form/check").await;
    assert!(
        html.contains("代办人") && html.contains("村（社区）协理员张明"),
        "the check page names the helper"
    );
    let reference = crate::common::submit_checked(&app, &html).await;

    let township = crate::common::Reviewer::sign_in(
        &app,
        "dongjie",
        app::domain::staff::Role::TownshipReviewer,
        TOWNSHIP,
    )
    .await;
    let (_, page) = township.page(&format!("/review/case/{reference}")).await;
    assert!(
        page.contains("代办人村（社区）协理员张明（手机 13900000001）"),
        "the history records who filed it"
    );
    assert!(page.contains("申请人以短信验证码确认同意代办"));
    app.stop().await;
}

/// Mistakes come back next to the fields, with what was typed; the helper's own number is refused as the
/// resident's; nothing is sent.
async fn a_helpers_mistakes_come_back_next_to_the_fields(app: &crate::common::TestApp) {
    let bad = [("helper_name", "张明"), ("helper_phone", PHONE), ("helper_role", ""), ("phone", PHONE)];
    let (_, html) = app.page(&location(&app.post_form("/apply/helper/code", &bad).await)).await;
    assert!(
        html.contains("请选择您与申请人的关系")
            && html.contains("不能与代办人相同")
            && html.contains(r#"value="张明""#)
    );
    let long_name = "长".repeat(31);
    let long = [
        ("helper_name", long_name.as_str()),
        ("helper_phone", "13900000001"),
        ("helper_role", "relative"),
        ("phone", PHONE),
    ];
    let (_, html) = app.page(&location(&app.post_form("/apply/helper/code", &long).await)).await;
    assert!(html.contains("姓名最多30个字"));
    assert!(app.outbox.messages_to(PHONE).is_empty(), "nothing sent");
}

/// A document as a small PDF, different for each `n`.
fn pdf(n: u32) -> Vec<u8> {
    format!("%PDF-1.4\n% {n}\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n").into_bytes()
}

fn pdf_part(n: u32) -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(pdf(n)).file_name("材料.pdf").mime_str("application/pdf").unwrap()
}

/// The name the document is stored under.
fn pdf_hash(n: u32) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(pdf(n)).iter().map(|b| format!("{b:02x}")).collect()
}

/// Posts document `n` as `kind` to `client`'s draft.
async fn upload_pdf(client: &TestApp, kind: &str, n: u32) {
    let form = crate::common::multipart_form(&[("kind", kind)]).part("document", pdf_part(n));
    assert_eq!(
        location(&client.post_multipart("/apply/documents", form).await),
        "/apply/form/check#documents"
    );
}

/// The files under the evidence folder, by name.
fn files_on_disk(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|folder| std::fs::read_dir(folder.unwrap().path()).unwrap())
        .map(|file| file.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn files_nothing_refers_to_are_swept_from_disk_and_the_others_stay_readable() {
    use std::time::{Duration, SystemTime};
    let database = crate::common::sqlite_database();
    let config = crate::common::test_config(&database.url);
    let evidence = config.data_dir.join("evidence");
    let sealer = std::sync::Arc::new(app::sealing::Sealer::new(config.data_key.expose()));
    let files = server::uploads::EvidenceFiles::new(&evidence, sealer, 0);
    let app = crate::common::spawn_with(config, Some(database)).await;
    let store = server::store::open(&app.database_url).await.unwrap();
    let sweep_at = |days: u64| {
        let now = SystemTime::now() + Duration::from_secs(days * 86_400);
        server::uploads::sweep::sweep(&files, store.as_ref(), now, 30)
    };
    app.verify_resident(PHONE, NAME, &id_number("62070219700101202")).await;
    crate::common::fill_in_everything(&app, TOWNSHIP).await;
    upload_pdf(&app, "hukou", 1).await;
    upload_pdf(&app, "id_card", 2).await;
    upload_pdf(&app, "id_card", 1).await; // the same file twice is stored once
    app.post_form("/apply/documents/remove", &[("index", "1")]).await;
    let (kept, removed) = (pdf_hash(1), pdf_hash(2));
    assert_eq!(files_on_disk(&evidence), {
        let mut both = vec![kept.clone(), removed.clone()];
        both.sort();
        both
    });
    // A temporary file a crash left, and a file the portal did not write.
    std::fs::write(evidence.join(&kept[..2]).join(format!("{kept}.00000000deadbeef.part")), "half").unwrap();
    std::fs::write(evidence.join(&kept[..2]).join("operator-notes.txt"), "not ours").unwrap();

    // Within a day nothing goes; after it the removed document and the crash's leftover do.
    assert_eq!(sweep_at(0).await.unwrap().deleted, 0);
    let swept = sweep_at(2).await.unwrap();
    assert_eq!((swept.deleted, swept.kept), (2, 1), "{swept:?}");
    let left = files_on_disk(&evidence);
    assert!(left.contains(&kept) && !left.contains(&removed), "{left:?}");
    assert!(left.contains(&"operator-notes.txt".to_string()), "foreign files are left alone");

    // Sent again, the removed document is written again and filed with the application.
    upload_pdf(&app, "id_card", 2).await;
    let (_, html) = app.page("/apply/form/check").await;
    let reference = crate::common::submit_checked(&app, &html).await;

    // Another resident's draft is given up: purged after 30 days with its document.
    let mut other = crate::common::attach(app.addr, &app.database_url);
    other.outbox = app.outbox.clone();
    other.verify_resident("13812345670", "李四", &id_number("62070219800101201")).await;
    upload_pdf(&other, "hukou", 3).await;
    assert_eq!(files_on_disk(&evidence).len(), 4, "two of the case, one of the draft, the foreign file");
    let swept = sweep_at(31).await.unwrap();
    assert_eq!(swept.deleted, 1, "{swept:?}");
    let case = store.application_by_reference(&reference).await.unwrap().unwrap();
    for file in store.case_files(case.id).await.unwrap() {
        let bytes = files.read(&file.sha256).await.unwrap();
        assert!(bytes.starts_with(b"%PDF-1.4"), "the case's {} is readable", file.source);
    }
    assert_eq!(files_on_disk(&evidence).len(), 3);
    store.close().await;
    app.stop().await;
}

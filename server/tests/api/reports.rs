//! Reports of suspected fraud over real HTTP: an anonymous report, its receipt, the officer's question
//! and the reporter's answer; wrong receipts and their limit; nothing that identifies the reporter's
//! connection stored; reports about one household grouped; photo metadata removed; who may handle it.

use crate::common::{
    location, photo_part, spawn_app, spawn_with, sqlite_database, submit_application, test_config, Reviewer,
    TestApp, GPS_PHOTO,
};
use app::domain::staff::Role;
use reqwest::{header, multipart, StatusCode};

const TOWNSHIP: &str = "620702001";
const COUNTY: &str = "620702";
const DESCRIPTION: &str = "他家在城里有两套房子，还有一辆小轿车，一直没有申报。";

fn report_form(subject: &str) -> multipart::Form {
    report_form_with(subject, &[])
}

/// The report form with some fields typed differently.
fn report_form_with(subject: &str, changed: &[(&'static str, &str)]) -> multipart::Form {
    let fields = [
        ("township", TOWNSHIP),
        ("subject", subject),
        ("suspicion", "hidden_assets"),
        ("description", DESCRIPTION),
        ("contact_name", ""),
        ("contact_phone", ""),
        ("website", ""),
    ];
    fields.into_iter().fold(multipart::Form::new(), |form, (name, value)| {
        let value = changed.iter().find(|(n, _)| *n == name).map_or(value, |(_, v)| *v);
        form.text(name, value.to_string())
    })
}

fn with_photo(form: multipart::Form, bytes: &[u8]) -> multipart::Form {
    form.part("evidence", photo_part(bytes))
}

async fn post_multipart(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: multipart::Form,
) -> reqwest::Response {
    client
        .post(app.url(path))
        .header("origin", app.url(""))
        .header("sec-fetch-site", "same-origin")
        .header(header::USER_AGENT, "ReporterBrowser/9.9")
        .header("x-forwarded-for", "203.0.113.77")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn page_of(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    client.get(app.url(path)).send().await.unwrap().text().await.unwrap()
}

/// Files a report in `client`'s browser; returns the receipt code shown once.
async fn file_report(app: &TestApp, client: &reqwest::Client, form: multipart::Form) -> String {
    let response = post_multipart(app, client, "/report", form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let receipt_page = location(&response);
    assert!(receipt_page.starts_with("/report/receipt?flash="), "{receipt_page}");
    let html = page_of(app, client, &receipt_page).await;
    let shown = html.split(r#"class="receipt-code">"#).nth(1);
    shown.unwrap_or_else(|| panic!("the receipt is shown: {html}")).split('<').next().unwrap().to_string()
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .header("origin", app.url(""))
        .header("sec-fetch-site", "same-origin")
        .form(form)
        .send()
        .await
        .unwrap()
}

/// Typing it back wrong is caught (the code shown again); typing it right, in any case, opens the report.
async fn typing_the_receipt_back_opens_the_report(app: &TestApp, reporter: &reqwest::Client, receipt: &str) {
    let wrong = post(app, reporter, "/report/confirm", &[("shown", receipt), ("receipt", "AAAAA")]).await;
    let html = page_of(app, reporter, &location(&wrong)).await;
    assert!(html.contains("和上面的回执码不一致") && html.contains(receipt), "the code is shown again");
    let right =
        post(app, reporter, "/report/confirm", &[("shown", receipt), ("receipt", &receipt.to_lowercase())])
            .await;
    assert_eq!(location(&right), "/report/view");
    let html = page_of(app, reporter, "/report/view").await;
    assert!(html.contains("已收到") && html.contains("1个"), "status and the one photo");
}

/// The reporter comes back later on another phone with the receipt, reads the question and answers it.
async fn the_reporter_answers_later_on_another_phone(
    app: &TestApp,
    later: &reqwest::Client,
    officer: &Reviewer<'_>,
    receipt: &str,
) {
    let opened = post(app, later, "/report/check", &[("receipt", &receipt.replace('-', " "))]).await;
    assert_eq!(location(&opened), "/report/view");
    let html = page_of(app, later, "/report/view").await;
    assert!(html.contains("正在核实") && html.contains("常停在哪里"), "the question and the new status");
    let answer = multipart::Form::new().text("body", "白色的，常停在村委会门口。");
    let answered = post_multipart(app, later, "/report/reply", answer).await;
    assert_eq!(location(&answered), "/report/view?sent=1");
    let (_, report) = officer.page("/review/reports/1").await;
    assert!(report.contains("常停在村委会门口"));
}

#[tokio::test]
async fn an_anonymous_report_goes_back_and_forth_through_its_receipt() {
    let app = spawn_app().await;
    let reporter = TestApp::new_client();
    let (status, html) = app.page("/report").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.find("电话举报").unwrap() < html.find("网上举报").unwrap(), "the hotlines come first");
    assert!(html.contains(r#"href="tel:12345""#) && html.contains("快速离开"));

    let receipt = file_report(&app, &reporter, with_photo(report_form("东街村三组 张某某"), GPS_PHOTO)).await;
    assert_eq!(receipt.len(), 23, "20 characters in groups of five: {receipt}");
    typing_the_receipt_back_opens_the_report(&app, &reporter, &receipt).await;
    // The county's officer reads it and asks a question.
    let officer = Reviewer::sign_in(&app, "county-officer", Role::CountyReviewer, COUNTY).await;
    let (_, queue) = officer.page("/review/reports").await;
    assert!(queue.contains("第1号"), "{queue}");
    let (_, report) = officer.page("/review/reports/1").await;
    assert!(report.contains(DESCRIPTION) && report.contains("东街村三组 张某某") && report.contains("匿名"));
    let asked =
        officer.post("/review/reports/1/message", &[("body", "请问轿车是什么颜色，常停在哪里？")]).await;
    assert_eq!(location(&asked), "/review/reports/1");
    let later = TestApp::new_client();
    the_reporter_answers_later_on_another_phone(&app, &later, &officer, &receipt).await;
    // The officer concludes; the reporter reads the outcome.
    let done = [("status", "concluded"), ("outcome", "经核实情况属实，已停发救助金。"), ("reference", "")];
    assert_eq!(location(&officer.post("/review/reports/1/update", &done).await), "/review/reports/1");
    let html = page_of(&app, &later, "/report/view").await;
    assert!(html.contains("已办结") && html.contains("已停发救助金"));

    // Leaving forgets the receipt in this browser.
    post(&app, &later, "/report/leave", &[]).await;
    assert!(page_of(&app, &later, "/report/view").await.contains("请先输入回执码"));

    let store = server::store::open(&app.database_url).await.unwrap();
    let actions: Vec<String> =
        store.audit_records().await.unwrap().into_iter().map(|r| r.event.action).collect();
    for action in ["report.filed", "report.viewed", "report.question", "report.reply", "report.updated"] {
        assert!(actions.iter().any(|a| a == action), "{action} audited");
    }
    store.close().await;
    app.stop().await;
}

#[tokio::test]
async fn every_page_of_the_flow_is_kept_out_of_caches_and_search_engines() {
    let app = spawn_app().await;
    for path in ["/report", "/report/check", "/report/receipt", "/report/view"] {
        let response = app.get(path).await;
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store", "{path}");
        let html = response.text().await.unwrap();
        assert!(html.contains("noindex") && html.contains("https://www.weather.com.cn/"), "{path}");
    }
    app.stop().await;
}

#[tokio::test]
async fn wrong_receipts_are_refused_and_guessing_is_limited() {
    let database = sqlite_database();
    let config = server::config::Config { receipt_checks_per_quarter_hour: 3, ..test_config(&database.url) };
    let app = spawn_with(config, Some(database)).await;
    let reporter = TestApp::new_client();
    let receipt = file_report(&app, &reporter, report_form("西街村 李某")).await;
    let mut guess = receipt.clone().into_bytes();
    guess[22] = if guess[22] == b'2' { b'3' } else { b'2' };
    let guess = String::from_utf8(guess).unwrap();
    let guesser = TestApp::new_client();
    for _ in 0..3 {
        let response = post(&app, &guesser, "/report/check", &[("receipt", &guess)]).await;
        assert!(page_of(&app, &guesser, &location(&response)).await.contains("回执码不正确"));
    }
    // The budget is spent: even the right code waits now.
    let response = post(&app, &guesser, "/report/check", &[("receipt", &receipt)]).await;
    let html = page_of(&app, &guesser, &location(&response)).await;
    assert!(html.contains("尝试次数过多"), "{html}");
    app.stop().await;
}

/// Every text value in every table of the SQLite database.
async fn everything_stored(database_url: &str) -> String {
    use sqlx::{Connection, Row};
    let mut db = sqlx::SqliteConnection::connect(database_url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetch_all(&mut db)
        .await
        .unwrap();
    let mut all = String::new();
    for table in tables {
        let columns: Vec<String> = sqlx::query(&format!("PRAGMA table_info({table})"))
            .fetch_all(&mut db)
            .await
            .unwrap()
            .iter()
            .map(|c| c.get::<String, _>("name"))
            .collect();
        for column in columns {
            let values: Vec<Option<Vec<u8>>> =
                sqlx::query_scalar(&format!("SELECT CAST({column} AS BLOB) FROM {table}"))
                    .fetch_all(&mut db)
                    .await
                    .unwrap();
            all.extend(values.into_iter().flatten().map(|v| String::from_utf8_lossy(&v).into_owned() + "\n"));
        }
    }
    all
}

#[tokio::test]
async fn nothing_about_the_reporters_connection_is_stored_and_what_they_wrote_is_sealed() {
    let app = spawn_app().await;
    let reporter = TestApp::new_client();
    let form =
        report_form_with("南关村 赵某某", &[("contact_name", "钱多多"), ("contact_phone", "13700001111")]);
    let receipt = file_report(&app, &reporter, form).await;
    let stored = everything_stored(&app.database_url).await;
    assert!(stored.contains("report.filed"), "the report is there");
    for secret in
        ["127.0.0.1", "203.0.113.77", "ReporterBrowser", "赵某某", DESCRIPTION, "钱多多", "13700001111"]
    {
        assert!(!stored.contains(secret), "{secret} is not stored in the clear");
    }
    assert!(
        !stored.contains(&receipt) && !stored.contains(&receipt.replace('-', "")),
        "the receipt is only hashed"
    );
    app.stop().await;
}

#[tokio::test]
async fn reports_about_the_same_household_are_grouped_for_the_officer() {
    let app = spawn_app().await;
    let reporter = TestApp::new_client();
    file_report(&app, &reporter, report_form("东街村三组 张某某")).await;
    file_report(&app, &reporter, report_form("东街村三组，张某某 ")).await;
    file_report(&app, &reporter, report_form("东街村 王某")).await;
    let officer = Reviewer::sign_in(&app, "county-officer", Role::CountyReviewer, COUNTY).await;
    let (_, queue) = officer.page("/review/reports").await;
    assert_eq!(queue.matches("同一对象2条举报").count(), 1, "{queue}");
    assert_eq!(queue.matches("report-group").count(), 2, "two groups, not three cases");
    let (_, second) = officer.page("/review/reports/2").await;
    assert!(second.contains("同一对象的其他举报") && second.contains("/review/reports/1"));
    app.stop().await;
}

#[tokio::test]
async fn photo_metadata_is_removed_and_files_are_judged_by_their_content() {
    let app = spawn_app().await;
    let reporter = TestApp::new_client();
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(contains(GPS_PHOTO, b"Exif\0\0") && contains(GPS_PHOTO, &[0x88, 0x25]), "the fixture has GPS");
    file_report(&app, &reporter, with_photo(report_form("东街村 张某某"), GPS_PHOTO)).await;

    let officer = Reviewer::sign_in(&app, "county-officer", Role::CountyReviewer, COUNTY).await;
    let response = officer.client.get(app.url("/review/reports/file/1")).send().await.unwrap();
    assert_eq!(response.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert!(response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().starts_with("sandbox"));
    let served = response.bytes().await.unwrap();
    assert!(!contains(&served, b"Exif") && !contains(&served, &[0xFF, 0xE1]), "no EXIF segment left");
    assert!(
        contains(&served, b"ICC_PROFILE") && served.ends_with(&[0xFF, 0xD9]),
        "the picture itself is kept"
    );
    let exif_segment = 2 + usize::from(u16::from_be_bytes([GPS_PHOTO[22], GPS_PHOTO[23]]));
    assert_eq!(served.len(), GPS_PHOTO.len() - exif_segment, "only the EXIF segment went");

    // A phone photo taken upright (Orientation 6: turn right) keeps its rotation and nothing else of
    // its EXIF data: the phone model and the GPS position go.
    let mut rotation = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x02".to_vec();
    rotation.extend_from_slice(b"\x01\x10\0\x02\0\0\0\x04Mi9\0"); // camera model, ASCII in place
    rotation.extend_from_slice(b"\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0"); // orientation 6
    let mut rotated = GPS_PHOTO[..20].to_vec(); // start of image and JFIF
    rotated.extend_from_slice(&[0xFF, 0xE1]);
    rotated.extend_from_slice(&u16::try_from(rotation.len() + 2).unwrap().to_be_bytes());
    rotated.extend_from_slice(&rotation);
    rotated.extend_from_slice(&GPS_PHOTO[20..]);
    file_report(&app, &reporter, with_photo(report_form("东街村 王某某"), &rotated)).await;
    let served =
        officer.client.get(app.url("/review/reports/file/2")).send().await.unwrap().bytes().await.unwrap();
    assert!(!contains(&served, b"Mi9") && !contains(&served, &[0x88, 0x25]), "model and GPS removed");
    let exif_at = served.windows(4).position(|w| w == b"Exif").expect("an EXIF segment with the rotation");
    let length = usize::from(u16::from_be_bytes([served[exif_at - 2], served[exif_at - 1]]));
    assert_eq!(app::domain::upload::exif_orientation(&served[exif_at..exif_at + length - 2]), Some(6));
    assert_eq!(served.windows(4).filter(|w| *w == b"Exif").count(), 1);

    // A web page renamed to .jpg is refused by its content, and what was typed comes back.
    let fake = with_photo(report_form("东街村 刘某"), b"<html><script>alert(1)</script></html>");
    let response = post_multipart(&app, &reporter, "/report", fake).await;
    let html = page_of(&app, &reporter, &location(&response)).await;
    assert!(html.contains("只能上传照片（JPG、PNG）或 PDF 文件") && html.contains("东街村 刘某"), "{html}");
    app.stop().await;
}

#[tokio::test]
async fn empty_and_automated_reports_are_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let reporter = TestApp::new_client();
    let empty = report_form_with("东街村 张某某", &[("description", "  ")]);
    let response = post_multipart(&app, &reporter, "/report", empty).await;
    let html = page_of(&app, &reporter, &location(&response)).await;
    assert!(html.contains("请写明具体情况") && html.contains("东街村 张某某"));
    let robot = report_form_with("东街村 张某某", &[("website", "http://spam.example")]);
    let response = post_multipart(&app, &reporter, "/report", robot).await;
    let html = page_of(&app, &reporter, &location(&response)).await;
    assert!(html.contains("提交没有成功"));
    let store = server::store::open(&app.database_url).await.unwrap();
    assert!(store.reports(None).await.unwrap().is_empty(), "nothing stored");
    store.close().await;
    app.stop().await;
}

#[tokio::test]
async fn only_the_county_handles_reports_and_only_the_county_sees_the_flag_on_a_case() {
    let app = spawn_app().await;
    let reference = submit_application(&app, "13912340009", "王秀兰", TOWNSHIP).await;
    file_report(&app, &TestApp::new_client(), report_form("东街村 王秀兰")).await;

    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    let (_, queue) = township.page("/review/reports").await;
    assert!(queue.contains("您的岗位不办理举报") && !queue.contains("第1号"));
    let (_, page) = township.page("/review/reports/1").await;
    assert!(page.contains("没有这条举报") && !page.contains(DESCRIPTION));
    let other_county = Reviewer::sign_in(&app, "shandan", Role::CountyReviewer, "620725").await;
    let (_, page) = other_county.page("/review/reports/1").await;
    assert!(!page.contains(DESCRIPTION));
    let refused =
        other_county.post("/review/reports/1/update", &[("status", "concluded"), ("outcome", "x")]).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let file = other_county.client.get(app.url("/review/reports/file/1")).send().await.unwrap();
    assert_eq!(file.status(), StatusCode::NOT_FOUND);
    let anonymous = app.get("/review/reports/1").await;
    assert_eq!(anonymous.headers()[header::LOCATION], "/review/login");

    // Linking to a case of another county is refused; to the case in this county it flags the case.
    let county = Reviewer::sign_in(&app, "ganzhou", Role::CountyReviewer, COUNTY).await;
    let bad = [("status", "verifying"), ("outcome", ""), ("reference", "ZY20260101-AAAAAA")];
    let response = county.post("/review/reports/1/update", &bad).await;
    assert!(county.page(&location(&response)).await.1.contains("案件编号不存在，或不在本县"));
    let link = [("status", "verifying"), ("outcome", ""), ("reference", reference.as_str())];
    county.post("/review/reports/1/update", &link).await;
    let (_, case) = county.page(&format!("/review/case/{reference}")).await;
    assert!(case.contains("此案关联1条举报线索"));
    let (_, case) = township.page(&format!("/review/case/{reference}")).await;
    assert!(case.contains(&reference) && !case.contains("举报线索"), "the township does not learn of it");
    app.stop().await;
}

#[tokio::test]
async fn one_address_files_a_few_reports_an_hour_and_a_refused_post_keeps_nothing() {
    let database = sqlite_database();
    let config = server::config::Config { reports_per_hour: 2, ..test_config(&database.url) };
    let app = spawn_with(config, Some(database)).await;
    let client = TestApp::new_client();
    let tries: Vec<_> = (0..6)
        .map(|i| {
            let (app_url, client) = (app.url("/report"), client.clone());
            let form = report_form(&format!("西街村 李某{i}"));
            let origin = app.url("");
            tokio::spawn(async move {
                let request =
                    client.post(app_url).header("origin", origin).header("sec-fetch-site", "same-origin");
                location(&request.multipart(form).send().await.unwrap())
            })
        })
        .collect();
    let mut pages = Vec::new();
    for attempt in tries {
        pages.push(page_of(&app, &client, &attempt.await.unwrap()).await);
    }
    let filed = pages.iter().filter(|html| html.contains(r#"class="receipt-code""#)).count();
    let refused: Vec<_> = pages.iter().filter(|html| html.contains("提交太频繁")).collect();
    assert_eq!((filed, refused.len()), (2, 4));
    assert!(refused.iter().all(|html| !html.contains("李某") && !html.contains(DESCRIPTION)), "nothing kept");
    app.stop().await;
}

#[tokio::test]
async fn a_pdf_that_may_name_the_reporter_is_refused_and_what_was_typed_kept() {
    let app = spawn_app().await;
    let reporter = TestApp::new_client();
    let pdf =
        b"%PDF-1.7\n1 0 obj<</Author(Li Si)/Producer(WPS Office)>>endobj\ntrailer<</Info 1 0 R>>".to_vec();
    let part = multipart::Part::bytes(pdf).file_name("证据.pdf").mime_str("application/pdf").unwrap();
    let form = report_form("西街村 李某").part("evidence", part);
    let back = location(&post_multipart(&app, &reporter, "/report", form).await);
    let html = page_of(&app, &reporter, &back).await;
    assert!(html.contains("可能暴露您的身份") && html.contains(r#"id="evidence-error""#), "{html}");
    assert!(html.contains(DESCRIPTION), "what was typed comes back");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reports_replies_take_a_few_files_a_day_however_fast_they_come() {
    let app = spawn_app().await;
    let reporter = TestApp::new_client();
    let receipt = file_report(&app, &reporter, report_form("东街村三组 张某某")).await;
    let confirm = [("shown", receipt.as_str()), ("receipt", receipt.as_str())];
    assert_eq!(location(&post(&app, &reporter, "/report/confirm", &confirm).await), "/report/view");
    // Eight replies of three photos at once against twelve files a day: four pass, whatever the order.
    let replies: Vec<_> = (0..8)
        .map(|i| {
            let form = (0..3)
                .fold(multipart::Form::new().text("body", format!("第{i}次补充")), |form, _| {
                    with_photo(form, GPS_PHOTO)
                });
            let request = reporter
                .post(app.url("/report/reply"))
                .header("origin", app.url(""))
                .header("sec-fetch-site", "same-origin")
                .multipart(form);
            tokio::spawn(async move { location(&request.send().await.unwrap()) })
        })
        .collect();
    let mut refused = Vec::new();
    for reply in replies {
        let to = reply.await.unwrap();
        if to != "/report/view?sent=1" {
            refused.push(to);
        }
    }
    assert_eq!(refused.len(), 4, "{refused:?}");
    let html = page_of(&app, &reporter, &refused[0]).await;
    assert!(html.contains("今天已上传12个文件，达到每天的上限"), "the reason is shown next to the file");
    assert!(html.contains("次补充</textarea>"), "what was typed is kept");
    let store = server::store::open(&app.database_url).await.unwrap();
    let files = store.report_files(1).await.unwrap();
    assert_eq!(files.len(), 12, "only the four accepted replies' files are stored");
    store.close().await;
    app.stop().await;
}

/// Replies posted after the receipt was forgotten (another phone, the cookie gone) are read to their end
/// before the way back is answered: a form answered unread leaves its connection closing under the
/// browser's next request, which then fails with a reset connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_without_a_receipt_are_read_before_they_are_answered() {
    let app = spawn_app().await;
    let stranger = TestApp::new_client();
    let photo = vec![0xFF; 512 * 1024];
    for _ in 0..60 {
        let form = multipart::Form::new().text("body", "补充照片").part("evidence", photo_part(&photo));
        let answered = post_multipart(&app, &stranger, "/report/reply", form).await;
        assert_eq!(location(&answered), "/report/check");
    }
    app.stop().await;
}

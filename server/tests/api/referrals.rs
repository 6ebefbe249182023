//! Special assistance referrals (分类推送), home-visit photos and the county's overdue list, over real
//! HTTP: an accepted case that asks for medical help reaches the medical insurance bureau's queue and no
//! other department's; the bureau's answer is recorded once and shows in the case history.

use crate::common::{
    case_actions, location, multipart_form, photo_part, spawn_app, submit_application, Reviewer, TestApp,
    GPS_PHOTO,
};
use app::domain::staff::Role;
use reqwest::StatusCode;

const TOWNSHIP: &str = "620702001";

#[tokio::test]
async fn an_accepted_case_is_referred_and_the_department_records_its_help() {
    let app = spawn_app().await;
    // The application asks for 低保 and 医疗救助 (see `fill_in_everything`).
    let reference = submit_application(&app, "13912340101", "王秀兰", TOWNSHIP).await;
    let medical = Reviewer::sign_in(&app, "yibao", Role::DepartmentOfficer, "medical-insurance").await;
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    the_department_sees_its_part_of_the_case_once_accepted(&medical, &township, &reference).await;
    another_department_and_the_township_cannot_read_or_answer_it(&app, &township, &reference).await;
    the_department_answers_once_into_the_case_history(&app, &medical, &township, &reference).await;
    app.stop().await;
}

async fn the_department_sees_its_part_of_the_case_once_accepted(
    medical: &Reviewer<'_>,
    township: &Reviewer<'_>,
    reference: &str,
) {
    let case_page = format!("/review/case/{reference}");
    let (status, html) = medical.page(&case_page).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing is referred before the township accepts");
    assert!(html.contains("没有这个案件"));

    let (_, html) = township.act(reference, "accept", "", "").await;
    assert!(html.contains("分类推送至医疗保障局") && html.contains("待部门办理"), "{html}");

    let (_, queue) = medical.page("/review").await;
    assert!(queue.contains(reference) && queue.contains("医疗救助") && queue.contains("待办理 1 件"));
    assert!(
        !queue.contains("最低生活保障"),
        "the department sees the help it gives, not the whole application"
    );
    let (status, html) = medical.page(&case_page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("王秀兰") && html.contains("医疗保障局办理"),
        "the referred case with the answer form"
    );
    assert!(case_actions(&html).is_empty(), "no workflow actions for a department");
}

async fn another_department_and_the_township_cannot_read_or_answer_it(
    app: &TestApp,
    township: &Reviewer<'_>,
    reference: &str,
) {
    let (case_page, answer_path) =
        (format!("/review/case/{reference}"), format!("/review/case/{reference}/referral"));
    let education = Reviewer::sign_in(app, "jiaoyu", Role::DepartmentOfficer, "education").await;
    let (status, html) = education.page(&case_page).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("没有这个案件") && !html.contains("王秀兰"));
    let (_, queue) = education.page("/review").await;
    assert!(!queue.contains(reference));
    let help = [("outcome", "helped"), ("note", "住院费用报销3200元")];
    assert_eq!(education.post(&answer_path, &help).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(township.post(&answer_path, &help).await.status(), StatusCode::NOT_FOUND);
}

/// A bad answer comes back with messages and what was typed; a good one is recorded once.
async fn the_department_answers_once_into_the_case_history(
    app: &TestApp,
    medical: &Reviewer<'_>,
    township: &Reviewer<'_>,
    reference: &str,
) {
    let (case_page, answer_path) =
        (format!("/review/case/{reference}"), format!("/review/case/{reference}/referral"));
    let help = [("outcome", "helped"), ("note", "住院费用报销3200元")];
    let bad = medical.post(&answer_path, &[("note", "好")]).await;
    let (_, html) = medical.page(&location(&bad)).await;
    assert!(html.contains("请选择办理结果") && html.contains("至少4个字") && html.contains(">好</textarea>"));

    let long = "长".repeat(2001);
    let too_long = medical.post(&answer_path, &[("outcome", "helped"), ("note", long.as_str())]).await;
    let (_, html) = medical.page(&location(&too_long)).await;
    assert!(html.contains("说明最多2000个字"), "the shape rule at the edge");

    let done = medical.post(&answer_path, &help).await;
    assert_eq!(location(&done), case_page);
    let (_, html) = medical.page(&case_page).await;
    assert!(html.contains("本部门办理结果") && html.contains("医疗保障局：已给予救助"));
    let again =
        medical.post(&answer_path, &[("outcome", "not_eligible"), ("note", "不符合条件的理由")]).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "answered once: sent back with a message");

    let (_, html) = township.page(&case_page).await;
    assert!(
        html.contains("部门专项救助") && html.contains("医疗保障局已给予救助：住院费用报销3200元"),
        "{html}"
    );
    assert!(!html.contains("不符合条件的理由"), "the second answer was not stored");

    let store = server::store::open(&app.database_url).await.unwrap();
    let actions: Vec<String> =
        store.audit_records().await.unwrap().into_iter().map(|r| r.event.action).collect();
    assert_eq!(actions.iter().filter(|a| *a == "referral.answered").count(), 1);
    store.close().await;
}

#[tokio::test]
async fn home_visit_photos_are_kept_without_their_location_and_only_with_visits() {
    let app = spawn_app().await;
    let reference = submit_application(&app, "13912340102", "李桂英", TOWNSHIP).await;
    let case_page = format!("/review/case/{reference}");
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    township.act(&reference, "accept", "", "").await;
    let (_, html) = township.page(&case_page).await;
    assert!(html.contains(r#"enctype="multipart/form-data""#) && html.contains(r#"name="photos""#));

    let disguised = reqwest::multipart::Part::bytes(b"<html><script>alert(1)</script></html>".to_vec())
        .file_name("visit.jpg")
        .mime_str("image/jpeg")
        .unwrap();
    let typed = [("action", "record_visit"), ("note", "入户查看，家中无大件家电")];
    let refused = township.post_multipart(&case_page, multipart_form(&typed).part("photos", disguised)).await;
    let (_, html) = township.page(&location(&refused)).await;
    assert!(
        html.contains("只能上传照片（JPG、PNG）或 PDF 文件") && html.contains("入户查看，家中无大件家电"),
        "message, typed text kept"
    );

    let wrong_step = [("action", "record_check"), ("note", "核对无异常")];
    let sent = township
        .post_multipart(&case_page, multipart_form(&wrong_step).part("photos", photo_part(GPS_PHOTO)));
    let (_, html) = township.page(&location(&sent.await)).await;
    assert!(html.contains("照片只能随入户调查、县级复核或授权书收回记录上传"));

    let visit =
        township.post_multipart(&case_page, multipart_form(&typed).part("photos", photo_part(GPS_PHOTO)));
    assert_eq!(location(&visit.await), case_page);
    let (_, html) = township.page(&case_page).await;
    assert!(html.contains("入户调查照片：照片") && html.contains("入户查看，家中无大件家电"), "{html}");

    let store = server::store::open(&app.database_url).await.unwrap();
    let case = store.application_by_reference(&reference).await.unwrap().unwrap();
    let files = store.case_files(case.id).await.unwrap();
    store.close().await;
    assert_eq!((files.len(), files[0].source.as_str()), (1, "record_visit"), "refused posts stored nothing");
    let file_path = format!("{case_page}/file/{}", files[0].id);
    let photo = township.client.get(app.url(&file_path)).send().await.unwrap();
    let bytes = photo.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]) && !bytes.windows(4).any(|w| w == b"Exif"), "GPS removed");

    // The department the case is referred to may open it; another township may not.
    let medical = Reviewer::sign_in(&app, "yibao", Role::DepartmentOfficer, "medical-insurance").await;
    assert_eq!(medical.client.get(app.url(&file_path)).send().await.unwrap().status(), StatusCode::OK);
    let other = Reviewer::sign_in(&app, "xijie", Role::TownshipReviewer, "620702002").await;
    assert_eq!(other.client.get(app.url(&file_path)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    app.stop().await;
}

#[tokio::test]
async fn the_county_sees_its_overdue_cases_by_township() {
    let app = spawn_app().await;
    let late = submit_application(&app, "13912340103", "赵玉珍", TOWNSHIP).await;
    app.clock.advance_days(120); // past every time limit of the first case
    let on_time = submit_application(&app, "13912340104", "钱秀英", "620702002").await;

    let county = Reviewer::sign_in(&app, "ganzhou", Role::CountyReviewer, "620702").await;
    let (_, html) = county.page("/review").await;
    assert!(html.contains("超期未办结 1 件") && html.contains("甘州区东街街道：1 件"), "{html}");
    assert!(html.contains(&late) && html.contains(&on_time));
    let (_, overdue) = county.page("/review?overdue=yes").await;
    assert!(overdue.contains(&late) && !overdue.contains(&on_time), "the list of overdue cases");

    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    let (_, html) = township.page("/review").await;
    assert!(
        !html.contains("超期未办结") && html.contains("已超期"),
        "the township sees the flag in its queue"
    );
    app.stop().await;
}

#[tokio::test]
async fn photos_and_documents_are_refused_with_a_message_when_the_disk_is_nearly_full() {
    let database = crate::common::sqlite_database();
    // A reserve no disk has: every file is refused.
    let config = server::config::Config {
        min_free_disk_mb: u64::MAX / (4 << 20),
        ..crate::common::test_config(&database.url)
    };
    let app = crate::common::spawn_with(config, Some(database)).await;
    let reference = submit_application(&app, "13912340103", "张桂花", TOWNSHIP).await;
    let case_page = format!("/review/case/{reference}");
    let township = Reviewer::sign_in(&app, "dongjie", Role::TownshipReviewer, TOWNSHIP).await;
    township.act(&reference, "accept", "", "").await;
    let typed = [("action", "record_visit"), ("note", "入户查看，家中无大件家电")];
    let visit =
        township.post_multipart(&case_page, multipart_form(&typed).part("photos", photo_part(GPS_PHOTO)));
    let (_, html) = township.page(&location(&visit.await)).await;
    assert!(html.contains("服务器存储空间不足") && html.contains(r#"id="photos-error""#), "{html}");
    assert!(html.contains("入户查看，家中无大件家电"), "the note typed is kept");

    // A resident's document on the check page.
    app.verify_resident("13912340104", "王秀兰", &crate::common::id_number("62070219700101202")).await;
    crate::common::fill_in_everything(&app, TOWNSHIP).await;
    let form = multipart_form(&[("kind", "hukou")]).part("document", photo_part(GPS_PHOTO));
    let (_, html) = app.page(&location(&app.post_multipart("/apply/documents", form).await)).await;
    assert!(html.contains("服务器存储空间不足") && html.contains(r#"id="document-error""#), "{html}");

    let store = server::store::open(&app.database_url).await.unwrap();
    let case = store.application_by_reference(&reference).await.unwrap().unwrap();
    assert!(store.case_files(case.id).await.unwrap().is_empty(), "nothing stored");
    let events = store.case_events(case.id).await.unwrap();
    assert!(!events.iter().any(|e| e.action == "record_visit"), "the visit waits for its photos");
    store.close().await;
    app.stop().await;
}

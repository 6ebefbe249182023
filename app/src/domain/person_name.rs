//! Names as written on the resident identity card: Chinese characters, with the middle dot used in
//! many Uyghur, Kazakh and other names (阿依古丽·买买提).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum NameError {
    #[error("请填写姓名")]
    Empty,
    #[error("请按身份证填写姓名，只能是汉字（少数民族姓名可含“·”）")]
    BadCharacter,
    #[error("姓名应为2到30个字")]
    WrongLength,
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

/// The name as typed, trimmed, with the dot variants people type unified to '·'.
pub fn check_name(input: &str) -> Result<String, NameError> {
    let name: String =
        input.trim().chars().map(|c| if matches!(c, '•' | '．' | '.') { '·' } else { c }).collect();
    if name.is_empty() {
        return Err(NameError::Empty);
    }
    if !name.chars().all(|c| is_han(c) || c == '·') || name.starts_with('·') || name.ends_with('·') {
        return Err(NameError::BadCharacter);
    }
    if !(2..=30).contains(&name.chars().count()) {
        return Err(NameError::WrongLength);
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_identity_cards_are_accepted() {
        assert_eq!(check_name(" 张三 "), Ok("张三".into()));
        assert_eq!(check_name("阿依古丽•买买提"), Ok("阿依古丽·买买提".into()));
    }

    #[test]
    fn other_input_gets_a_message() {
        assert_eq!(check_name(""), Err(NameError::Empty));
        assert_eq!(check_name("Zhang San"), Err(NameError::BadCharacter));
        assert_eq!(check_name("张3"), Err(NameError::BadCharacter));
        assert_eq!(check_name("·张三"), Err(NameError::BadCharacter));
        assert_eq!(check_name("张"), Err(NameError::WrongLength));
    }
}

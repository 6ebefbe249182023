//! The one place where personal data is masked for display. Every public view goes through here, so the
//! raw values never reach a public page.

/// A person's name for public notices: the first character, then `*`, then the last character for names
/// of three or more characters (张*三, 欧阳*明); two-character names keep only the first (李*).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 | 2 => format!("{}*", chars[0]),
        n => format!("{}*{}", chars[0], chars[n - 1]),
    }
}

/// A mobile number for the person's own screens: 138****5678.
pub fn mask_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 7 {
        return "*".repeat(digits.len());
    }
    let head: String = digits[..3].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_only_what_a_neighbour_needs_to_recognise_the_household() {
        assert_eq!(mask_name("张三丰"), "张*丰");
        assert_eq!(mask_name("李四"), "李*");
        assert_eq!(mask_name("欧阳明月"), "欧*月");
        assert_eq!(mask_name(" 王 "), "王*");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn phone_numbers_show_only_the_ends() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("138 1234 5678"), "138****5678");
        assert_eq!(mask_phone("12345"), "*****");
    }
}

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

/// An ID number on staff screens that identify a person by name already: the region (first six) and
/// the last four, 620702********1234.
pub fn mask_id_number(id_number: &str) -> String {
    let chars: Vec<char> = id_number.trim().chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_keep_the_region_and_the_last_four() {
        assert_eq!(mask_id_number("62070219800101123X"), "620702********123X");
        assert_eq!(mask_id_number("123"), "***");
    }

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

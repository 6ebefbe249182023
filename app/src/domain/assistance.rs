//! The kinds of assistance in the city's 2023 measures.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AssistanceType {
    /// 最低生活保障
    Dibao,
    /// 特困人员救助供养
    Tekun,
    /// 低保边缘家庭
    DibaoEdge,
    /// 刚性支出困难家庭
    RigidSpending,
    /// 临时救助 / 急难救助
    Temporary,
    Medical,
    Education,
    Housing,
    Employment,
    Disaster,
}

impl AssistanceType {
    pub const ALL: [AssistanceType; 10] = [
        Self::Dibao,
        Self::Tekun,
        Self::DibaoEdge,
        Self::RigidSpending,
        Self::Temporary,
        Self::Medical,
        Self::Education,
        Self::Housing,
        Self::Employment,
        Self::Disaster,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Dibao => "最低生活保障（低保）",
            Self::Tekun => "特困人员救助供养",
            Self::DibaoEdge => "低保边缘家庭认定",
            Self::RigidSpending => "刚性支出困难家庭认定",
            Self::Temporary => "临时救助（急难救助）",
            Self::Medical => "医疗救助",
            Self::Education => "教育救助",
            Self::Housing => "住房救助",
            Self::Employment => "就业救助",
            Self::Disaster => "受灾人员救助",
        }
    }

    /// The stable key used in forms and storage.
    pub fn key(self) -> &'static str {
        match self {
            Self::Dibao => "dibao",
            Self::Tekun => "tekun",
            Self::DibaoEdge => "dibao_edge",
            Self::RigidSpending => "rigid_spending",
            Self::Temporary => "temporary",
            Self::Medical => "medical",
            Self::Education => "education",
            Self::Housing => "housing",
            Self::Employment => "employment",
            Self::Disaster => "disaster",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.key() == key)
    }

    /// Special assistance (专项救助) is given by the responsible department after referral.
    pub fn is_special(self) -> bool {
        matches!(self, Self::Medical | Self::Education | Self::Housing | Self::Employment | Self::Disaster)
    }
}

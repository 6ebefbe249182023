//! The kinds of assistance in the city's 2023 measures.

use serde::{Deserialize, Serialize};

keyed_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub enum AssistanceType {
        /// 最低生活保障
        Dibao => ("dibao", "最低生活保障（低保）"),
        /// 特困人员救助供养
        Tekun => ("tekun", "特困人员救助供养"),
        /// 低保边缘家庭
        DibaoEdge => ("dibao_edge", "低保边缘家庭认定"),
        /// 刚性支出困难家庭
        RigidSpending => ("rigid_spending", "刚性支出困难家庭认定"),
        /// 临时救助 / 急难救助
        Temporary => ("temporary", "临时救助（急难救助）"),
        Medical => ("medical", "医疗救助"),
        Education => ("education", "教育救助"),
        Housing => ("housing", "住房救助"),
        Employment => ("employment", "就业救助"),
        Disaster => ("disaster", "受灾人员救助"),
    }
}

impl AssistanceType {
    /// Special assistance (专项救助) is given by the responsible department after referral.
    pub fn is_special(self) -> bool {
        matches!(self, Self::Medical | Self::Education | Self::Housing | Self::Employment | Self::Disaster)
    }
}

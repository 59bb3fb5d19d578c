//! Roles and the signed-in user as the browser may see them.

use serde::{Deserialize, Serialize};

use crate::domain::stored_enum::stored_enum;

stored_enum! {
    /// What a user may do: one role each.
    pub enum Role ("user role") {
        Admin = "admin", "Administrator";
        Coordinator = "coordinator", "RSO coordinator";
        Nominator = "nominator", "Agency focal point (nominator)";
        Host = "host", "Host agency contact";
        Secondee = "secondee", "Secondee";
        Donor = "donor", "Donor";
    }
}

impl Role {
    /// Nominators and hosts act for one agency.
    pub fn needs_agency(self) -> bool {
        matches!(self, Role::Nominator | Role::Host)
    }

    /// A donor user sees only its own donor's funding.
    pub fn needs_donor(self) -> bool {
        matches!(self, Role::Donor)
    }

    /// Administrators and RSO coordinators see and change everything: they must have a second
    /// factor. Everyone else is offered one.
    pub fn requires_second_factor(self) -> bool {
        matches!(self, Role::Admin | Role::Coordinator)
    }
}

/// A reference to another record, with the name to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedRef {
    pub id: String,
    pub name: String,
}

/// The signed-in user. Holds nothing secret: it is safe to send to the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub agency: Option<NamedRef>,
    pub donor: Option<NamedRef>,
    /// A staff member without a second factor yet: every page but enrolment sends them there.
    #[serde(default)]
    pub must_enrol: bool,
}

/// One entry of the main navigation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
}

const fn nav(href: &'static str, label: &'static str) -> NavItem {
    NavItem { href, label }
}

/// The navigation each role sees. Pages are protected on the server as well; this only decides
/// what is offered.
pub fn navigation(role: Role) -> Vec<NavItem> {
    let mut items = vec![nav("/", "Home")];
    match role {
        Role::Admin => items.extend([
            nav("/calls", "Calls"),
            nav("/interest", "Interest"),
            nav("/nominations", "Nominations"),
            nav("/placements", "Placements"),
            nav("/reports", "Reports"),
            nav("/funding/agreements", "Funding"),
            nav("/admin/members", "Members"),
            nav("/admin/agencies", "Agencies"),
            nav("/admin/donors", "Donors"),
            nav("/admin/themes", "Themes"),
            nav("/admin/users", "Users"),
            nav("/mail", "Mail log"),
            nav("/admin/audit", "Audit trail"),
            nav("/admin/access", "Access log"),
        ]),
        Role::Coordinator => items.extend([
            nav("/calls", "Calls"),
            nav("/interest", "Interest"),
            nav("/nominations", "Nominations"),
            nav("/placements", "Placements"),
            nav("/reports", "Reports"),
            nav("/funding/agreements", "Funding"),
            nav("/admin/members", "Members"),
            nav("/admin/agencies", "Agencies"),
            nav("/admin/donors", "Donors"),
            nav("/admin/themes", "Themes"),
            nav("/mail", "Mail log"),
        ]),
        Role::Nominator => items.extend([
            nav("/calls", "Calls"),
            nav("/nominations", "Nominations"),
            nav("/placements", "Placements"),
            nav("/reports", "Reports"),
        ]),
        Role::Host | Role::Secondee => items.extend([nav("/placements", "Placements"), nav("/reports", "Reports")]),
        Role::Donor => {
            items.extend([nav("/funding", "Funding"), nav("/placements", "Placements"), nav("/reports", "Reports")])
        }
    }
    items.push(nav("/account", "Account"));
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_text() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert!(Role::parse("superuser").is_none());
        assert!(Role::parse("").is_none());
    }

    #[test]
    fn only_admins_are_offered_user_administration() {
        for role in Role::ALL {
            let offers_users = navigation(role).iter().any(|i| i.href == "/admin/users");
            assert_eq!(offers_users, role == Role::Admin, "{role:?}");
        }
    }

    #[test]
    fn only_administrators_and_coordinators_must_have_a_second_factor() {
        for role in Role::ALL {
            assert_eq!(role.requires_second_factor(), matches!(role, Role::Admin | Role::Coordinator), "{role:?}");
        }
    }

    #[test]
    fn bindings_follow_the_brief() {
        assert!(Role::Nominator.needs_agency() && Role::Host.needs_agency());
        assert!(Role::Donor.needs_donor());
        assert!(!Role::Admin.needs_agency() && !Role::Coordinator.needs_donor());
    }
}

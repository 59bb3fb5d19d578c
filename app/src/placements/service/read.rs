//! One placement as its reader may see it: who may see it, and the full or the donor's view.

use super::*;

/// Who may see a placement: RSO staff; the sending agency's nominators; the host agency's
/// contacts; the secondee (by their work e-mail); a donor whose agreements fund it (checked in
/// `load_in`). Anyone else is told "not found".
pub(super) fn may_see(user: &CurrentUser, row: &Row) -> bool {
    let agency = user.agency.as_ref().map(|a| db::rid("agency", &a.id));
    match user.role {
        Role::Admin | Role::Coordinator => true,
        Role::Nominator => agency.as_ref() == Some(&row.sending_agency_id),
        Role::Host => agency.as_ref() == Some(&row.host_agency_id),
        Role::Secondee => user.email.eq_ignore_ascii_case(&row.officer_email),
        Role::Donor => false,
    }
}

/// The placement `key` as `user` may see it, read inside `tx`.
pub(super) async fn load_in(tx: &Tx, user: &CurrentUser, key: &str) -> Result<(Row, Vec<EventRow>), AppError> {
    let key = crate::api::parse_key(key)?;
    let mut r = tx
        .run(
            &format!(
                "SELECT {FIELDS} FROM ONLY $id;
                 SELECT at, actor_label, kind, from_state, to_state, old_end, new_end, reason
                    FROM placement_event WHERE placement = $id ORDER BY at;"
            ),
            vec![("id", v(db::rid("placement", &key)))],
        )
        .await?;
    let row: Option<Row> = r.take(0).map_err(db::fail("placement decode"))?;
    let events: Vec<EventRow> = r.take(1).map_err(db::fail("placement history decode"))?;
    let row = row.ok_or(AppError::NotFound)?;
    if user.role == Role::Donor {
        let donor = user.donor.as_ref().map(|d| db::rid("donor", &d.id)).ok_or(AppError::NotFound)?;
        let mut r = tx
            .run(
                &format!(
                    "RETURN count(SELECT id FROM placement WHERE id = $id AND {})",
                    crate::placements::FUNDED_BY_DONOR
                ),
                vec![("id", v(row.id.clone())), ("scope", v(donor))],
            )
            .await?;
        let funded: Option<i64> = r.take(0).map_err(db::fail("donor placement check"))?;
        return if funded.unwrap_or(0) > 0 { Ok((row, events)) } else { Err(AppError::NotFound) };
    }
    let row = Some(row).filter(|row| may_see(user, row)).ok_or(AppError::NotFound)?;
    Ok((row, events))
}

pub(super) fn view(
    user: &CurrentUser,
    row: Row,
    events: Vec<EventRow>,
    (reports, cycles, funding): (
        Vec<crate::reports::ReportSummary>,
        Vec<crate::reports::CycleView>,
        Vec<crate::funding::commitments::FundingLine>,
    ),
) -> Result<PlacementView, AppError> {
    let state = db::stored::value::<PlacementState>(&row.state)?;
    let dates = row.dates()?;
    let optional = |d: Option<String>| d.as_deref().map(db::stored::date).transpose();
    let history = events
        .into_iter()
        .map(|e| {
            Ok(PlacementEvent {
                at: e.at,
                actor: e.actor_label,
                kind: db::stored::value(&e.kind)?,
                from_state: PlacementState::parse(&e.from_state),
                to_state: PlacementState::parse(&e.to_state),
                old_end: optional(e.old_end)?,
                new_end: optional(e.new_end)?,
                reason: e.reason,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let open = matches!(state, PlacementState::Planned | PlacementState::Active);
    let secondee = match (&row.secondee_id, row.secondee_disabled, row.secondee_active) {
        (None, _, _) => crate::placements::SecondeeAccount::None,
        (Some(_), Some(true), _) => crate::placements::SecondeeAccount::Disabled,
        (Some(_), _, Some(true)) => crate::placements::SecondeeAccount::Active,
        (Some(_), _, _) => crate::placements::SecondeeAccount::Invited,
    };
    let staff = user.role == Role::Coordinator;
    Ok(PlacementView {
        id: db::key(&row.id),
        state,
        officer_name: row.officer_name,
        officer_email: row.officer_email,
        sending_agency: row.sending_agency,
        host_agency: row.host_agency,
        supervisor_name: row.supervisor_name,
        supervisor_email: row.supervisor_email,
        dates,
        end_reason: row.end_reason,
        overlap: row.overlap,
        objectives: row.objectives,
        nomination_id: db::key(&row.nomination_id),
        nomination_reference: row.nomination_reference,
        history,
        can_act: staff && open,
        can_invite: staff && open && secondee != crate::placements::SecondeeAccount::Active,
        reports,
        cycles,
        funding,
        secondee,
    })
}

/// What the donor funding `row` sees of it, with the reports shared with it.
pub(super) fn donor_view(
    row: Row,
    reports: Vec<crate::reports::ReportSummary>,
) -> Result<DonorPlacementView, AppError> {
    Ok(DonorPlacementView {
        id: db::key(&row.id),
        state: row.state()?,
        dates: row.dates()?,
        reference: row.nomination_reference,
        officer_name: row.officer_name,
        sending_agency: row.sending_agency,
        host_agency: row.host_agency,
        overlap: row.overlap,
        objectives: row.objectives,
        reports,
    })
}

#[tracing::instrument(skip_all, fields(user = %user.id, placement = %id))]
pub async fn get(user: &CurrentUser, id: &str) -> Result<PlacementDetail, AppError> {
    let state = AppState::current()?;
    let today = state.clock.today();
    let (row, events, reports) = db::transact(&state, |tx| async move {
        let (row, events) = load_in(&tx, user, id).await?;
        let reports = crate::reports::service::of_placement(&tx, user, &row.id, today).await?;
        let (cycles, funding) = if matches!(user.role, Role::Admin | Role::Coordinator) {
            (
                crate::reports::planning::cycles_of(&tx, Some(&row.id)).await?,
                crate::funding::service::commitments::of_placement(&tx, &row.id).await?,
            )
        } else {
            (Vec::new(), Vec::new())
        };
        Ok((row, events, (reports, cycles, funding)))
    })
    .await?;
    if user.role == Role::Donor {
        return donor_view(row, reports.0).map(PlacementDetail::Donor);
    }
    view(user, row, events, reports).map(PlacementDetail::Full)
}

"""Transactions: add, edit, delete; import a bank export (CSV, OFX, QIF, CAMT.053); export or delete my data."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lib import ingest
from lib.core import writes
from lib.core.errors import ConflictError, FinanceError, PartialWriteError, StoreUnavailableError, ValidationError
from lib.core.models import validate_transaction
from lib.core.plain import md_escape
from lib.ingest import preview as import_view
from lib.store.export import export_csv, export_json
from lib.store.throttle import RateLimitedError
from lib.web import fx_view, state, ui, views
from lib.web.money import page_money

ctx = ui.page("Transactions", "🧾")
st.title("🧾 Transactions")

# Messages carry names, categories and descriptions we did not write: always shown as plain text.
for level, message in st.session_state.pop("txn_flash", []):
    getattr(st, level)(md_escape(message))


def done(message: str, warning: str | None = None) -> None:
    """After a write: drop this user's cached reads, say what happened, and redraw."""
    ui.mark_changed(ctx.user_id)
    st.session_state["txn_flash"] = [("success", message)] + ([("warning", warning)] if warning else [])
    st.rerun()


start_default, end_default = views.default_range(ctx.today)
try:
    window = ui.load_window(ctx, *views.load_range(start_default, end_default, ctx.today))
except FinanceError as exc:
    ui.friendly_error(exc, "load your transactions")
    st.stop()
categories = views.category_options(window.transactions)
money = page_money(window.profile.currency, window.profile.locale)  # issue 25: amounts the reader's way

# Keyed: a flash message above the tabs after a write must not send the user back to the first tab.
tab_add, tab_edit, tab_import, tab_data = st.tabs(
    ["➕ Add", "✏️ Edit or delete", "📥 Import", "📦 My data"], key="txn_tabs"
)

if st.session_state.pop("add_saved", False):
    # Emptied only after a successful add: a refused entry stays in the form to be fixed.
    st.session_state["add_amount"] = st.session_state["add_description"] = ""

with tab_add, st.form("add_txn"):
    c1, c2 = st.columns(2)
    day = c1.date_input("Date", value=ctx.today, max_value=ctx.today, key="add_date")
    amount = c2.text_input("Amount", placeholder="12.50 (a refund: -12.50; abroad: 12.50 USD)",
                           key="add_amount")
    err_amount = st.empty()
    c3, c4 = st.columns(2)
    category = c3.selectbox("Category", categories, key="add_category", accept_new_options=True)
    description = c4.text_input("Description", key="add_description")
    if st.form_submit_button("Add transaction", type="primary"):
        try:
            # The same content as an unconfirmed earlier attempt goes under that attempt's id,
            # so the store recognises it instead of adding it twice.
            txn = writes.keep_id(  # "12.50 USD" is converted into the home currency (issue 25)
                fx_view.priced_entry(ctx, validate_transaction(ctx.user_id, day, amount, category, description,
                                                               today=ctx.today), window.profile.currency),
                st.session_state.get("add_pending"),
            )
            ctx.store.add_transaction(txn)
        except ValidationError as exc:
            for reason in exc.errors.values():
                err_amount.error(md_escape(reason), icon="✋")
        except ConflictError as exc:
            st.session_state.pop("add_pending", None)
            st.error(md_escape(writes.conflict_text(exc, money)), icon="🛑")
        except StoreUnavailableError as exc:
            st.session_state["add_pending"] = (writes.signature(txn), txn.sort_key)
            st.error(md_escape(writes.unconfirmed_text("add the transaction", exc, "Press Add again")), icon="🛑")
        else:
            st.session_state.pop("add_pending", None)
            st.session_state["add_saved"] = True
            done(f"Added {writes.describe(txn, money)}.")

with tab_edit:
    st.caption(f"The last {views.DEFAULT_WINDOW_DAYS} days. Select a row to edit or delete it.")
    table = views.transactions_table(window.transactions, money=money)
    # The key follows the data version: after a write the table is a new widget with no selection,
    # so a stale row number cannot crash the page or open a different transaction.
    table_key = f"edit_table_{ui.data_version(ctx.user_id)}"
    picked = st.dataframe(
        table, hide_index=True, on_select="rerun", selection_mode="single-row",
        key=table_key, column_config={"id": None},
    )
    rows = [r for r in (picked.selection.rows if picked else []) if r < len(table)]
    selected = next(t for t in window.transactions if t.sort_key == table["id"].iloc[rows[0]]) if rows else None
    # The form edits the version the user opened, even when a write elsewhere rebuilt the table
    # meanwhile: their save then meets that version and is refused with the current value,
    # instead of vanishing with the old selection.
    current = writes.still_editing(
        st.session_state.get("editing"), selected, st.session_state.get("edit_table_key") != table_key,
        st.session_state.get("edit_was_selected", False),
    )
    st.session_state["edit_table_key"], st.session_state["editing"] = table_key, current
    st.session_state["edit_was_selected"] = selected is not None
    if current is not None:
        with st.form("edit_txn"):
            c1, c2 = st.columns(2)
            e_day = c1.date_input("Date", value=current.date, max_value=max(ctx.today, current.date))
            e_amount = c2.text_input("Amount", value=fx_view.edit_amount_text(current))
            e_rate = fx_view.rate_input(current)  # issue 25: a foreign row's rate, the user's own if they set one
            c3, c4 = st.columns(2)
            options = categories if current.category in categories else [current.category, *categories]
            e_cat = c3.selectbox("Category", options, index=options.index(current.category),
                                 accept_new_options=True)
            e_desc = c4.text_input("Description", value=current.description)
            err_edit = st.empty()
            b1, b2 = st.columns(2)
            save = b1.form_submit_button("Save changes", type="primary")
            delete = b2.form_submit_button("Delete this transaction")
        if save:
            try:
                changed = validate_transaction(
                    ctx.user_id, e_day, e_amount, e_cat, e_desc, current.currency, current.source,
                    current.fingerprint, current.sort_key, version=current.version,
                    today=None if e_day == current.date else ctx.today,  # a date kept as it is stays allowed
                )
                changed = fx_view.priced_entry(ctx, changed, window.profile.currency, e_rate)
                ctx.store.update_transaction(current.sort_key, changed)
            except ValidationError as exc:
                err_edit.error(md_escape(" ".join(exc.errors.values())), icon="✋")
            except ConflictError as exc:
                ui.mark_changed(ctx.user_id)  # the table reloads with what is stored now
                # The form reopens on the current value (gone if it was deleted), so a new save
                # builds on what is stored now, not on the version that lost.
                st.session_state["editing"] = exc.current
                st.warning(md_escape(writes.conflict_text(exc, money)), icon="⚠️")
            except StoreUnavailableError as exc:
                st.error(md_escape(writes.unconfirmed_text("save the change", exc, "Save again")), icon="🛑")
            else:
                st.session_state.pop("editing", None)
                done("Saved the change.")
        if delete:
            try:
                ctx.store.delete_transaction(ctx.user_id, current.sort_key, current.version)
            except ConflictError as exc:
                ui.mark_changed(ctx.user_id)
                st.session_state.pop("editing", None)
                st.warning(md_escape(f"Not deleted. {writes.conflict_text(exc, money)}"), icon="⚠️")
            except StoreUnavailableError as exc:
                st.error(md_escape(writes.unconfirmed_text("delete it", exc, "Delete again")), icon="🛑")
            else:
                st.session_state.pop("editing", None)
                done(f"Deleted {writes.describe(current, money)}.")

with tab_import:
    st.caption(
        "Any bank's export: CSV (comma or semicolon, decimal comma, debit/credit columns), OFX/QFX, QIF or "
        "CAMT.053 XML. Importing the same file twice adds nothing; importing it with corrected settings "
        "replaces what it added."
    )
    imports_done = st.session_state.get("imports_done", 0)
    try:
        batches = state.load_import_batches(ctx)
    except FinanceError as exc:
        ui.friendly_error(exc, "list your imports")
        batches = []
    if batches:
        with st.expander(f"Your imports ({len(batches)}): undo one"):
            st.dataframe(import_view.batches_table(batches), hide_index=True, column_config={"id": None})
            labels = {b.batch_id: f"{b.file_name or 'file'} ({b.imported_at[:10]}, {b.rows_added} rows)"
                      for b in batches}
            undo_id = st.selectbox("Import to undo", list(labels), format_func=labels.__getitem__, key="undo_pick")
            if st.button("Undo this import", key="undo_import"):
                try:
                    removed = ingest.undo_import(ctx.store, ctx.user_id, undo_id)
                except FinanceError as exc:
                    ui.friendly_error(exc, "undo the import")
                else:
                    done(f"Undid the import of {labels[undo_id]}: removed {removed} transactions.")

    # A new key after each import empties the uploader, so the page shows the result, not the old preview.
    upload = st.file_uploader("Bank export", type=["csv", "txt", "ofx", "qfx", "qif", "xml"],
                              key=f"import_file_{imports_done}")
    with st.expander("Override what was detected"):
        o1, o2, o3 = st.columns(3)
        o_delim = o1.selectbox("Delimiter", ["auto", ",", ";", "tab"], key="imp_delim")
        o_dec = o2.selectbox("Decimal mark", ["auto", ".", ","], key="imp_dec")
        o_sign = o3.selectbox("Sign", ["auto", "bank", "spending"], key="imp_sign",
                              help="bank: negative amounts are spending; spending: positive amounts are spending")
        o_fmt = st.text_input("Date format (strptime, e.g. %d.%m.%Y)", key="imp_fmt")
    if upload is not None:
        data = upload.getvalue()
        role_keys = f"imp_role_{imports_done}_{ingest.batches.file_id(data)}"
        options = ingest.ImportOptions(
            delimiter=None if o_delim == "auto" else ("\t" if o_delim == "tab" else o_delim),
            decimal=None if o_dec == "auto" else o_dec,
            date_format=o_fmt or None,
            sign=None if o_sign == "auto" else o_sign,
            columns=st.session_state.get(f"{role_keys}_mapping"),
        )
        # Kept under a plain key: once answered, the question (and its widget) is gone from the page.
        answer = st.session_state.get(f"{role_keys}_sign") or st.session_state.get(f"{role_keys}_answer")
        st.session_state[f"{role_keys}_answer"] = answer
        if answer and options.sign is None:
            options = replace(options, sign="spending" if answer.startswith("spending") else "bank")
        order = st.session_state.get(f"{role_keys}_dates") or st.session_state.get(f"{role_keys}_order")
        st.session_state[f"{role_keys}_order"] = order
        if order:
            options = replace(options, dates="dmy" if order.startswith("day") else "mdy")
        try:
            parsed, used = state.prepare_import(ctx, data, upload.name, options)
        except ValidationError as exc:
            st.error(md_escape(f"Could not read this file: {exc}"), icon="🛑")
            parsed = None
        except FinanceError as exc:
            ui.friendly_error(exc, "read the file")
            parsed = None
        if parsed is not None:
            st.dataframe(import_view.detected_table(parsed.detected), hide_index=True)
            header = list(parsed.detected.get("header") or [])
            if header:
                with st.expander("Change what each column is"):
                    defaults = import_view.role_defaults(parsed.detected)
                    pick = [import_view.NO_ROLE, *ingest.ROLES]
                    cols = st.columns(min(4, len(header)))
                    choices = [
                        cols[i % len(cols)].selectbox(name or f"column {i + 1}", pick, index=pick.index(defaults[i]),
                                                      key=f"{role_keys}_{i}")
                        for i, name in enumerate(header)
                    ]
                    if st.button("Read the file with these roles", key=f"{role_keys}_apply"):
                        st.session_state[f"{role_keys}_mapping"] = import_view.roles_from_choices(header, choices)
                        st.rerun()
            dates_q = parsed.date_question
            if dates_q is not None:
                st.warning(f"This file does not tell whether its dates are day/month or month/day: {dates_q.reason}. "
                           "Look at these dates and say which.", icon="📅")
                st.dataframe(import_view.date_question_table(dates_q), hide_index=True)
                st.radio("In this file, 03/04 is", ["day/month (3 April)", "month/day (March 4)"], index=None,
                         key=f"{role_keys}_dates")
            for note in import_view.report_notes(parsed.detected):
                st.caption(md_escape(note))
            question = parsed.sign_question
            if question is not None:
                st.warning(f"This file does not tell which amounts are spending: {question.reason}. "
                           "Look at these rows and say which way it goes.", icon="🧭")
                st.dataframe(import_view.sign_question_table(question), hide_index=True)
                st.radio("In this file, positive amounts are", ["spending (money out)", "income (money in)"],
                         index=None, key=f"{role_keys}_sign")
            st.markdown(f"**Preview** — {len(parsed.rows)} good rows, {len(parsed.errors)} with problems")
            st.dataframe(import_view.preview_table(parsed.rows, home=window.profile.currency, rates=fx_view.rates(ctx)),
                         hide_index=True)  # issue 25: a foreign row shows what it becomes in home money
            if parsed.errors:
                st.warning(md_escape(import_view.row_errors_text(parsed.errors)))
            if st.button(f"Import {len(parsed.rows)} rows", type="primary",
                         disabled=not parsed.rows or question is not None or dates_q is not None):
                bar = st.progress(0.0, text="Importing…")
                try:
                    ui.check_import_quota(ctx)
                    report = ingest.import_rows(
                        ctx.store, ctx.user_id, parsed, file_name=upload.name, options=used,
                        home=window.profile.currency, rates=fx_view.rates(ctx),
                        progress=lambda n, total: bar.progress(n / max(total, 1), text=f"{n}/{total} written"),
                    )
                except PartialWriteError as exc:
                    ui.mark_changed(ctx.user_id)
                    st.error(md_escape(writes.partial_text(exc, "Import the same file again")), icon="🛑")
                except RateLimitedError as exc:
                    st.warning(md_escape(str(exc)), icon="⏳")
                except FinanceError as exc:
                    ui.mark_changed(ctx.user_id)
                    ui.friendly_error(exc, "import the file")
                else:
                    st.session_state["imports_done"] = imports_done + 1
                    replaced = (f" Replaced {report.replaced} rows of the earlier import of this file."
                                if report.replaced else "")
                    done(f"Imported {report.imported}, duplicates skipped {report.duplicates}, "
                         f"rejected {report.rejected}.{replaced} {' '.join(report.notes)}".rstrip(),
                         import_view.row_errors_text(report.errors))

    imported = sorted({t.description for t in window.transactions if t.source == "import" and t.description})
    if imported:
        with st.expander("Always file a merchant under one category"):
            st.caption("Future imports and your existing rows of that merchant get this category "
                       "(a bank's own category still wins on import).")
            r1, r2 = st.columns(2)
            merchant = r1.selectbox("Merchant (from a description)", imported, key="rule_merchant")
            rule_cat = r2.selectbox("Category", categories, key="rule_category", accept_new_options=True)
            if st.button("Always for this merchant", key="rule_save"):
                try:
                    changed = ingest.always_for_merchant(ctx.store, ctx.user_id, merchant, rule_cat, ctx.today)
                except ValidationError as exc:
                    st.error(md_escape(" ".join(exc.errors.values())), icon="✋")
                except FinanceError as exc:
                    ui.friendly_error(exc, "save the rule")
                else:
                    done(f"“{ingest.merchant_key(merchant)}” is {rule_cat} from now on; {changed} existing rows "
                         "re-filed.")

with tab_data:
    st.subheader("Export")
    st.caption("Everything the app stores about you: your profile and every transaction.")
    if st.button("Prepare my export", key="prep_export"):
        try:
            items = ctx.store.export_items(ctx.user_id)
        except FinanceError as exc:
            ui.friendly_error(exc, "export your data")
        else:
            st.session_state["export"] = (export_csv(items), export_json(ctx.user_id, items))
    if "export" in st.session_state:
        csv_text, json_text = st.session_state["export"]
        d1, d2 = st.columns(2)
        d1.download_button("Download CSV", csv_text, file_name=f"{ctx.user_id}-transactions.csv", mime="text/csv")
        d2.download_button("Download JSON", json_text, file_name=f"{ctx.user_id}-data.json",
                           mime="application/json")

    st.subheader("Delete all my data")
    st.caption("Removes your profile, every transaction and the coach's notes. This cannot be undone.")
    confirm = st.text_input(f"Type your username ({ctx.user_id}) to confirm", key="delete_confirm")
    if st.button("Delete everything", type="primary", disabled=confirm != ctx.user_id, key="delete_all"):
        try:
            count = ctx.store.delete_user(ctx.user_id)
        except PartialWriteError as exc:
            ui.mark_changed(ctx.user_id)
            st.error(md_escape(writes.partial_text(exc, "Press Delete everything again")), icon="🛑")
        except FinanceError as exc:
            ui.friendly_error(exc, "delete your data")
        else:
            st.session_state.pop("export", None)
            done(f"Deleted {count} items. Your slate is clean — try to keep it that way.")

ui.finish(ctx)

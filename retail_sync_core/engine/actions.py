"""Client actions the suite's buttons return."""


def open_in_dialog(res_model, res_id, name):
    """Open one record's form in a dialog (a wizard, a test run, a secret)."""
    return {
        "type": "ir.actions.act_window",
        "res_model": res_model,
        "res_id": res_id,
        "view_mode": "form",
        "target": "new",
        "name": name,
    }

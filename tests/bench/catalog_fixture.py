"""The catalog benchmark's products, made through the ORM in an `odoo shell`.

Run by tests/bench/bench_catalog.py as
`odoo shell -d <db> --no-http < bench/catalog_fixture.py` with RS_BENCH_VARIANTS
set; reads nothing else. Idempotent: it tops the catalog up to the number of
variants asked and prints one line, `FIXTURE <variants> <seconds> <created>
<seconds to make the whole catalog>` (kept in a system parameter across runs).

What it makes, as an import would (templates with attributes, Odoo creating the
variants), in batches of templates with mail tracking off: a parent category with
one child category per 10,000 variants (the benchmark subscribes its channels to as
many children as the scale asks), two attributes of 10 values each, and templates
of 100 variants each (10 sizes x 10 colours), each with its own sales price.
"""

import os
import time

# `env` is given by odoo shell.
env = globals()["env"]

VARIANTS = int(os.environ.get("RS_BENCH_VARIANTS", "100000"))
PER_TEMPLATE = 100
PER_CATEGORY = 10000
TEMPLATES_PER_BATCH = 20
PARENT = "Retail Sync bench catalog"
CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
    "active_test": False,
}

start = time.monotonic()
env = env(context=dict(env.context, **CONTEXT))
Category = env["product.category"]
parent = Category.search([("name", "=", PARENT), ("parent_id", "=", False)], limit=1)
if not parent:
    parent = Category.create({"name": PARENT})


def attribute(name, prefix):
    found = env["product.attribute"].search([("name", "=", name)], limit=1)
    if found:
        return found
    return env["product.attribute"].create(
        {
            "name": name,
            "create_variant": "always",
            "value_ids": [(0, 0, {"name": f"{prefix}{n}"}) for n in range(10)],
        }
    )


size = attribute("Bench size", "S")
colour = attribute("Bench colour", "C")
Template = env["product.template"]
created = 0
for index in range((VARIANTS + PER_CATEGORY - 1) // PER_CATEGORY):
    name = f"Bench catalog {index}"
    category = Category.search([("name", "=", name), ("parent_id", "=", parent.id)])
    if not category:
        category = Category.create({"name": name, "parent_id": parent.id})
    wanted = min(PER_CATEGORY, VARIANTS - index * PER_CATEGORY) // PER_TEMPLATE
    have = Template.search_count([("categ_id", "=", category.id)])
    for first in range(have, wanted, TEMPLATES_PER_BATCH):
        vals_list = [
            {
                "name": f"Bench item {index}-{n:03d}",
                "categ_id": category.id,
                "list_price": 10.0 + (index * 100 + n) % 90 + 0.99,
                "sale_ok": True,
                "attribute_line_ids": [
                    (
                        0,
                        0,
                        {"attribute_id": a.id, "value_ids": [(6, 0, a.value_ids.ids)]},
                    )
                    for a in (size, colour)
                ],
            }
            for n in range(first, min(first + TEMPLATES_PER_BATCH, wanted))
        ]
        templates = Template.create(vals_list)
        created += len(templates.product_variant_ids)
        env.cr.commit()
        print(
            f"fixture: category {index}, {first + len(vals_list)} templates", flush=True
        )
total = env["product.product"].search_count(
    [("categ_id", "child_of", parent.id), ("active", "=", True)]
)
# The time the whole catalog took to make, over the runs that made part of it.
PARAM = "retail_sync_bench.catalog_fixture_seconds"
Param = env["ir.config_parameter"].sudo()
spent = float(Param.get_param(PARAM) or 0.0)
if created:
    spent += time.monotonic() - start
    Param.set_param(PARAM, f"{spent:.1f}")
    env.cr.commit()
elapsed = time.monotonic() - start
print(f"FIXTURE {total} {elapsed:.1f} {created} {spent:.1f}", flush=True)

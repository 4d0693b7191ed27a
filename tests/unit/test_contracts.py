import pathlib

import pytest
from retail_sync_engine import contracts

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def schemas():
    loaded = [
        *contracts.load_contract_dir(ROOT / "retail_sync_core" / "contracts"),
        *contracts.load_contract_dir(ROOT / "retail_sync_pos" / "contracts"),
    ]
    return {(c.event_type, c.version): c.schema for c in loaded}


def ping(**fields):
    event = {
        "id": "e1",
        "type": "system.ping",
        "schema_version": 1,
        "occurred_at": "2026-11-27T10:00:00+01:00",
        "data": {"message": "hi"},
    }
    event.update(fields)
    return event


def check(event, schemas):
    return contracts.check_event(event, schemas, contracts.load_envelope())


def test_valid_event_has_no_problem(schemas):
    assert check(ping(), schemas) == []


def test_problems_carry_json_pointers(schemas):
    problems = check(ping(data={"message": 3}, occurred_at="now"), schemas)
    assert [p.pointer for p in problems] == ["/data/message", "/occurred_at"]


def test_envelope_problems_of_unknown_types_are_reported_first(schemas):
    problems = check(ping(type="Bad Type"), schemas)
    assert problems[0].pointer == "/type"
    assert check([], schemas)[0].reason == "an event must be a JSON object"


def test_unknown_type_and_version_list_what_is_supported(schemas):
    with pytest.raises(contracts.UnknownContract) as unknown_type:
        check(ping(type="pos.teleport.done"), schemas)
    assert 1 in unknown_type.value.supported["pos.sale.completed"]
    with pytest.raises(contracts.UnknownContract) as unknown_version:
        check(ping(schema_version=7), schemas)
    assert unknown_version.value.supported == {"system.ping": [1]}


def test_boolean_version_is_not_version_one(schemas):
    problems = check(ping(schema_version=True), schemas)
    assert problems and problems[0].pointer == "/schema_version"


def test_ordering_key_from_template_or_event():
    sale = {"data": {"store": "PAR", "register": "R2"}}
    assert (
        contracts.ordering_key("pos:{data.store}:{data.register}", sale) == "pos:PAR:R2"
    )
    assert contracts.ordering_key("pos:{data.store}:{data.till}", sale) == "pos:PAR:-"
    assert contracts.ordering_key("x", {"ordering_key": "mine"}) == "mine"


def test_contract_file_must_sit_at_type_and_version(tmp_path):
    folder = tmp_path / "system.ping"
    folder.mkdir()
    (folder / "2.json").write_text(
        '{"type": "system.ping", "version": 1, "data_schema": {"type": "object"}}'
    )
    with pytest.raises(contracts.ContractFileError, match="must be stored as"):
        contracts.load_contract_file(folder / "2.json")


def test_contract_file_must_name_its_handler(tmp_path):
    folder = tmp_path / "system.ping"
    folder.mkdir()
    (folder / "1.json").write_text(
        '{"type": "system.ping", "version": 1, "data_schema": {"type": "object"}}'
    )
    with pytest.raises(contracts.ContractFileError, match="names no handler"):
        contracts.load_contract_file(folder / "1.json")


def _shipped():
    return [
        contract
        for folder in sorted(ROOT.glob("retail_sync_*/contracts"))
        for contract in contracts.load_contract_dir(folder)
    ]


def test_every_shipped_contract_names_a_handler_and_a_domain():
    loaded = _shipped()
    assert len(loaded) >= 7
    for contract in loaded:
        assert contract.handler.startswith("retail.sync.handler."), contract
        assert contract.domain, contract


def test_every_shipped_contract_has_the_fast_validator():
    for contract in _shipped():
        fast, _full = contracts.validator_for(contract.schema)
        assert fast is not None, contract.event_type


def sale(**data):
    event = {
        "id": "s1",
        "type": "pos.sale.completed",
        "schema_version": 1,
        "occurred_at": "2026-11-27T10:00:00+01:00",
        "data": {
            "store": "PAR",
            "register": "R1",
            "receipt_number": "R-1",
            "lines": [{"sku": "SKU-1", "quantity": 2, "unit_price": 5}],
            "payments": [{"method": "cash", "amount": 10}],
        },
    }
    event["data"].update(data)
    return event


def test_a_valid_sale_passes_the_fast_path(schemas):
    fast, _full = contracts.validator_for(schemas[("pos.sale.completed", 1)])
    assert fast.is_valid(sale())
    assert check(sale(), schemas) == []


@pytest.mark.parametrize(
    "event",
    [
        sale(),
        sale(lines=[{"sku": "SKU-1", "quantity": True, "unit_price": 5}]),
        sale(lines=[{"sku": "SKU-1", "quantity": 2**70, "unit_price": 5}]),
        sale(lines=[{"sku": "SKU-1", "quantity": 1.5, "unit_price": 5}]),
        sale(lines=[]),
        sale(store=""),
        sale(unknown_field=1),
        {**sale(), "occurred_at": "2026-11-27T10:00:00+01:00\n"},
        {**sale(), "occurred_at": "\uff12\uff10\uff12\uff16-11-27T10:00:00Z"},
        {**sale(), "schema_version": 1.0},
    ],
)
def test_fast_and_full_validators_agree(schemas, event):
    """The fast path only ever answers "valid"; it must never call an event
    valid that jsonschema refuses."""
    fast, full = contracts.validator_for(schemas[("pos.sale.completed", 1)])
    refused = bool(list(full.iter_errors(event)))
    if refused:
        assert check(event, schemas), event
    try:
        fast_valid = fast.is_valid(event)
    except Exception:  # then jsonschema decides alone
        return
    assert not (fast_valid and refused), event

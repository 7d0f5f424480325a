"""One schema per entity: the single definition of what may be stored.

* ``rules``: every limit, as a named constant, and every rule's one message;
* ``base``: strict pydantic models, the shared field types, ``Problem``s;
* ``project``: a project (form, API, import; the API's and the export's serialiser);
* ``details``: "Your details" and its profile links;
* ``token``: a new API token (name, scope, lifetime);
* ``account``: a new account, and a new password (``passwords``: the password rule);
* ``sharing``: the PDF's settings (paper size, whether visitors may download it);
* ``profile``: a role profile and its requirements.

Forms (``portfolio.forms.SchemaForm``), the JSON API and the JSON Resume import all
validate through these, and the OpenAPI document is generated from them.
"""

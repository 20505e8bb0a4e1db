"""The catalogue of finding rules: stable ids and one-line descriptions (docs and SARIF)."""

from __future__ import annotations

RULES: dict[str, str] = {
    "file-encoding": "The file is not valid UTF-8.",
    "file-too-large": "The file is larger than limits.max_file_bytes.",
    "file-unreadable": "The file cannot be read.",
    "symlink-outside": "A symbolic link leads outside the repository.",
    "file-name-encoding": "The file name is not valid UTF-8 (shown escaped, as git does).",
    "file-not-regular": "A FIFO, device, socket or folder where a file belongs (never read).",
    "folder-unreadable": "A registry folder cannot be listed, so its files are not checked.",
    "yaml-syntax": "The file is not valid YAML.",
    "yaml-duplicate-key": "A mapping defines the same key twice.",
    "yaml-tag": "A tag other than YAML's core ones (e.g. !!python/object, !custom).",
    "yaml-merge-key": "A YAML 1.1 merge key ('<<').",
    "yaml-alias-limit": "Aliases expand beyond the bound (a 'billion laughs' file).",
    "yaml-too-deep": "Nesting deeper than the bound.",
    "yaml-key": "A mapping key that is not a plain scalar.",
    "yaml-not-mapping": "The document is empty or not a mapping.",
    "yaml-multi-document": "The file holds more than one YAML document.",
    "yaml-implicit-type": "YAML 1.1 read an unquoted value (or key) as a number, boolean or date "
    "where a string was expected.",
    "layout-kind": "The manifest's kind does not match its folder.",
    "layout-name": "metadata.name does not match the file or folder name.",
    "layout-unexpected-file": "A YAML file where no manifest belongs.",
    "spoke-team": "An asset in a team's folder is owned by another team.",
    "duplicate-name": "Two assets of one kind share a name.",
    "platform-team": "There is not exactly one platform team.",
    "waiver-team": "A waiver not owned by the platform team (waivers are the hub's).",
    "ref-unresolved": "A reference names an asset that does not exist.",
    "ref-range-invalid": "A version range is not valid npm range syntax.",
    "ref-version": "No version of the referenced asset satisfies the range.",
    "ref-action": "A reference names a tool action that the tool does not define.",
    "mcp-invisible-text": "A tool action's description hides invisible Unicode (tag "
    "characters, zero-width characters, bidi controls).",
    "mcp-model-instruction": "A tool action's description gives the model an order "
    "('ignore previous instructions', <IMPORTANT>).",
    "mcp-exfiltration-target": "A tool action's description points at a URL or path that looks "
    "like an exfiltration target (a request collector, a bare IP, a query value for the model "
    "to fill in, a credential file).",
    "mcp-cross-tool-shadowing": "A tool action's description names another tool or another "
    "tool's action (steering how the model uses it).",
    "ref-deprecated": "A reference to a deprecated asset.",
    "ref-revoked": "A reference to a revoked tool.",
    "ref-model": "The agent's model is not in the pricing table.",
    "approval-unknown-tool": "An approval names a tool the agent does not use.",
    "approval-unknown-action": "An approval names an action the agent does not use.",
    "tool-duplicate-name": "A tool defines two actions with one name.",
    "signing-key": "A Team's signing key is not an Ed25519 public key, its keyid is not the "
    "key's, it is listed twice, or its window is empty.",
    "pricing-duplicate-id": "The pricing table defines a model id or alias twice.",
    "skill-md-missing": "A skill has no SKILL.md.",
    "skill-md-frontmatter": "SKILL.md has no YAML frontmatter.",
    "skill-md-key": "SKILL.md frontmatter holds a key the Agent Skills format does not allow.",
    "skill-md-name": "SKILL.md's name breaks the Agent Skills name rules.",
    "skill-md-description": "SKILL.md's description is missing or longer than 1024 characters.",
    "skill-md-compatibility": "SKILL.md's compatibility is not a string of at most 500 characters.",
    "skill-md-metadata": "SKILL.md's metadata is not a map of strings.",
    "skill-md-license": "SKILL.md's license is not a string.",
    "skill-md-allowed-tools": "SKILL.md's allowed-tools is not a string.",
    "skill-md-invisible-text": "SKILL.md hides invisible Unicode (tag characters, zero-width "
    "characters, bidi controls).",
    "skill-md-model-instruction": "SKILL.md gives the model an order that hides something "
    "('ignore previous instructions', 'do not tell the user', <IMPORTANT>).",
    "skill-md-exfiltration-target": "SKILL.md points at a URL or path that looks like an "
    "exfiltration target.",
    "skill-md-mismatch": "skill.yaml and SKILL.md disagree on name or description.",
    "hub-unavailable": "A spoke's references to the hub could not be checked.",
    "placeholder": "A value hub init or hub new wrote for you to replace (@your-org/..., "
    "example.com).",
}


def describe(rule: str) -> str:
    """The one-line description of ``rule`` (schema rules are named after the keyword)."""
    if rule in RULES:
        return RULES[rule]
    if rule.startswith("schema-"):
        return f"The manifest breaks its JSON Schema ({rule.removeprefix('schema-')})."
    return rule

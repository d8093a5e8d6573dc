"""Computed fields (计算字段): a formula over other fields, e.g. 完成率 = {完成投资} / {计划投资} * 100.

The formula is parsed with Python's `ast` and walked against a whitelist — numbers, field references,
+ − × ÷, unary minus, parentheses — so nothing but arithmetic can run (no names, calls, attributes,
subscripts, comparisons; never eval). Fields are written `{名称}` (the label, as administrators type it) or
by key; `compile_formula` stores it with keys. A missing operand or a division by zero gives no value
(None), not an error: a 完成率 of a row with no 计划 is empty.
"""
import ast
import re
from decimal import Decimal, DivisionByZero, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

BRACED = re.compile(r"\{([^{}]+)\}")
KEY = re.compile(r"^[a-z][a-z0-9_]*$")
OPERATORS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
             ast.Div: lambda a, b: a / b}
MAX_LENGTH = 300


def compile_formula(text, names):
    """The formula with `{label}` replaced by keys, and the keys it uses — or ValidationError in Chinese.
    `names`: label → key and key → key of the fields it may use (numbers only)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("请填写公式。"))
    if len(text) > MAX_LENGTH:
        raise ValidationError(_("公式过长（最多%(n)s个字符）。") % {"n": MAX_LENGTH})

    def replace(match):
        name = match.group(1).strip()
        if name not in names:
            raise ValidationError(_("公式引用的字段“%(name)s”不存在或不是数字字段。") % {"name": name})
        return names[name]

    expression = BRACED.sub(replace, text).replace("×", "*").replace("÷", "/")
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        raise ValidationError(_("公式写法有误：只能使用数字、字段、+ - * / 和括号。")) from None
    keys = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in names.values():
                raise ValidationError(_("公式引用的字段“%(name)s”不存在或不是数字字段。") % {"name": node.id})
            keys.append(node.id)
        elif not isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant, ast.Load, ast.USub,
                                   ast.UAdd, *OPERATORS)):
            raise ValidationError(_("公式写法有误：只能使用数字、字段、+ - * / 和括号。"))
        elif isinstance(node, ast.Constant) and (isinstance(node.value, bool)
                                                 or not isinstance(node.value, (int, float))):
            raise ValidationError(_("公式写法有误：只能使用数字、字段、+ - * / 和括号。"))
    if not keys:
        raise ValidationError(_("公式至少要引用一个字段。"))
    return ast.unparse(tree), list(dict.fromkeys(keys))


def evaluate(formula, values):
    """The value of a compiled formula for `values` (key → number), as a Decimal, or None."""
    tree = ast.parse(formula, mode="eval")
    try:
        return _eval(tree.body, values)
    except (_Missing, DivisionByZero, InvalidOperation, ZeroDivisionError):
        return None


class _Missing(Exception):
    pass


def _eval(node, values):
    if isinstance(node, ast.Constant):
        return Decimal(str(node.value))
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        if value is None or value == "":
            raise _Missing
        return Decimal(str(value))
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        return OPERATORS[type(node.op)](_eval(node.left, values), _eval(node.right, values))
    raise _Missing  # compile_formula admits nothing else


def referenced_keys(formula):
    return [n.id for n in ast.walk(ast.parse(formula, mode="eval")) if isinstance(n, ast.Name)]


def display(formula, labels):
    """The stored formula with keys shown as {labels} again (the definition page)."""
    tree = ast.parse(formula, mode="eval")
    text = ast.unparse(tree)
    for key in sorted(set(referenced_keys(formula)), key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(key)}\b", "{" + labels.get(key, key) + "}", text)
    return text

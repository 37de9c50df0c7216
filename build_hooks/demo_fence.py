"""Placeholder: the `demo` fence (validator + formatter)."""


def validate(language, inputs, options, attrs, md):
    options.update(inputs)
    return True


def format(source, language, class_name, options, md, **kwargs):
    return '<div class="demo"></div>'

/**
 * Chat templates in the style of common model families, written for these tests (not copied from model
 * repositories): each formats turns the way its family does. The behavioural check must pass them clean
 * (no warning); default system prompts and tool instructions come back as info.
 */

export const FAMILY_TEMPLATES: Record<string, string> = {
  // Header-tag turns, bos once, an open assistant header for generation.
  'llama-3': `{{- bos_token -}}
{%- for m in messages -%}
<|start_header_id|>{{ m.role }}<|end_header_id|>

{{ m.content | trim }}<|eot_id|>
{%- endfor -%}
{%- if add_generation_prompt -%}
<|start_header_id|>assistant<|end_header_id|>

{% endif -%}`,

  // ChatML with a default system turn and tool definitions in <tools>, calls in <tool_call>.
  'chatml-qwen': `{%- if tools %}
<|im_start|>system
{% if messages[0].role == 'system' %}{{ messages[0].content }}{% else %}You are a helpful assistant.{% endif %}

# Tools
You may call one or more functions to assist with the user query. Function signatures are inside <tools></tools>:
<tools>
{% for t in tools %}{{ t | tojson }}
{% endfor %}</tools>
For each call, return a JSON object inside <tool_call></tool_call>.<|im_end|>
{% elif messages[0].role != 'system' %}
<|im_start|>system
You are a helpful assistant.<|im_end|>
{% endif %}
{%- for m in messages %}
{%- if m.role == 'system' and loop.first %}{% if not tools %}<|im_start|>system
{{ m.content }}<|im_end|>
{% endif %}
{%- elif m.role == 'assistant' and m.tool_calls %}<|im_start|>assistant
{% if m.content %}{{ m.content }}
{% endif %}{% for c in m.tool_calls %}<tool_call>
{{ {'name': c.function.name, 'arguments': c.function.arguments} | tojson }}
</tool_call>{% endfor %}<|im_end|>
{% elif m.role == 'tool' %}<|im_start|>user
<tool_response>
{{ m.content }}
</tool_response><|im_end|>
{% else %}<|im_start|>{{ m.role }}
{{ m.content }}<|im_end|>
{% endif %}
{%- endfor %}
{%- if add_generation_prompt %}<|im_start|>assistant
{% endif %}`,

  // [INST] turns; the system prompt joins the last user turn; roles must alternate.
  mistral: `{%- if messages[0].role == 'system' %}{% set sys = messages[0].content %}{% set turns = messages[1:] %}
{%- else %}{% set sys = '' %}{% set turns = messages %}{% endif %}
{{- bos_token }}
{%- for m in turns %}
{%- if (m.role == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('roles must alternate user/assistant') }}{% endif %}
{%- if m.role == 'user' %}[INST] {% if loop.last and sys %}{{ sys }}

{% endif %}{{ m.content }}[/INST]
{%- elif m.role == 'assistant' %} {{ m.content }}{{ eos_token }}
{%- else %}{{ raise_exception('only user and assistant roles are supported') }}{% endif %}
{%- endfor %}`,

  // <start_of_turn> turns, 'model' for the assistant, system text folded into the first user turn.
  gemma: `{{ bos_token }}
{%- set first = 0 -%}
{%- if messages[0].role == 'system' -%}{%- set prefix = messages[0].content + '\n\n' -%}{%- set first = 1 -%}{%- else -%}{%- set prefix = '' -%}{%- endif -%}
{%- for m in messages[first:] -%}
{%- set role = 'model' if m.role == 'assistant' else m.role -%}
<start_of_turn>{{ role }}
{{ (prefix if loop.first else '') + m.content | trim }}<end_of_turn>
{% endfor -%}
{%- if add_generation_prompt -%}<start_of_turn>model
{% endif -%}`,

  // <|role|> tags closed by <|end|>.
  'phi-3': `{%- for m in messages -%}
<|{{ m.role }}|>
{{ m.content }}<|end|>
{% endfor -%}
{%- if add_generation_prompt -%}<|assistant|>
{% else -%}{{ eos_token }}{% endif -%}`,

  // Fullwidth-bar role tokens, system text first, reasoning before </think> dropped from earlier answers.
  'reasoning-fullwidth': `{{ bos_token }}{% set ns = namespace(sys='') %}
{%- for m in messages if m.role == 'system' %}{% set ns.sys = ns.sys + m.content %}{% endfor %}{{ ns.sys }}
{%- for m in messages %}
{%- if m.role == 'user' %}<｜User｜>{{ m.content }}
{%- elif m.role == 'assistant' %}{% set c = m.content %}{% if '</think>' in c %}{% set c = c.split('</think>')[-1] %}{% endif %}<｜Assistant｜>{{ c }}<｜end▁of▁sentence｜>
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}<｜Assistant｜><think>
{% endif %}`,

  // Tool calling with a macro, JSON schemas and an ipython role for tool results.
  'tool-calling': `{%- macro describe(t) -%}
{"name": {{ t.function.name | tojson }}, "description": {{ t.function.description | tojson }}, "parameters": {{ t.function.parameters | tojson }}}
{%- endmacro -%}
{{- bos_token }}<|start_header_id|>system<|end_header_id|>

{% set ns = namespace(sys='') %}
{%- for m in messages if m.role == 'system' %}{% set ns.sys = m.content %}{% endfor %}
{%- if tools %}Environment: ipython
You have access to the functions below. To call one, reply with {"name": function name, "parameters": arguments}.
{% for t in tools %}{{ describe(t) }}
{% endfor %}
{% endif %}{{ ns.sys }}<|eot_id|>
{%- for m in messages if m.role != 'system' %}
{%- if m.tool_calls %}<|start_header_id|>assistant<|end_header_id|>

{% for c in m.tool_calls %}{"name": "{{ c.function.name }}", "parameters": {{ c.function.arguments | tojson }}}{% endfor %}<|eom_id|>
{%- elif m.role == 'tool' %}<|start_header_id|>ipython<|end_header_id|>

{{ m.content }}<|eot_id|>
{%- else %}<|start_header_id|>{{ m.role }}<|end_header_id|>

{{ m.content | trim }}<|eot_id|>
{%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>

{% endif %}`,
};

/**
 * A header-style system turn that always carries a knowledge-cutoff line and today's date (as some
 * publishers' templates do): constant prose in every prompt, so alone it is `template.injected-text`;
 * checked against itself as the trusted reference, the finding is the reference's own.
 */
export const DATE_HEADER_TEMPLATE = `{{- bos_token }}
{%- if messages[0].role == 'system' %}{% set sys = messages[0].content | trim %}{% set rest = messages[1:] %}{% else %}{% set sys = '' %}{% set rest = messages %}{% endif -%}
<|start_header_id|>system<|end_header_id|>

Knowledge cutoff: March 2025
Current date: {{ strftime_now('%d %B %Y') }}

{{ sys }}<|eot_id|>
{%- for m in rest %}<|start_header_id|>{{ m.role }}<|end_header_id|>

{{ m.content | trim }}<|eot_id|>{% endfor %}
{%- if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>

{% endif %}`;

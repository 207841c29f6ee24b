// The rules Kubernetes names follow, and the explanations its validation gives for them, word for
// word: clients and learners compare the messages. Which rule a resource's names follow is in the
// resource table (harness/api/resources.ts).
import type { NameRule } from './resources.ts';

const LABEL_1123 = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL_1123}(\\.${LABEL_1123})*`;
const LABEL_1035 = '[a-z]([-a-z0-9]*[a-z0-9])?';

export const nameRules: Record<NameRule, { pattern: string; maxLength: number; explain: string }> =
  {
    subdomain: {
      pattern: SUBDOMAIN,
      maxLength: 253,
      explain:
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or " +
        "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used " +
        `for validation is '${SUBDOMAIN}')`,
    },
    label: {
      pattern: LABEL_1123,
      maxLength: 63,
      explain:
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and " +
        "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex " +
        `used for validation is '${LABEL_1123}')`,
    },
    label1035: {
      pattern: LABEL_1035,
      maxLength: 63,
      explain:
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an " +
        "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or " +
        `'abc-123', regex used for validation is '${LABEL_1035}')`,
    },
  };

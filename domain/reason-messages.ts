// What applicants read (reason codes, SMS, statuses), for readers with little schooling: short sentences
// in their language that name the rule and say what comes next. In templates {fact} is a value and [a|b]
// takes the first alternative whose values are all known, so sentences read well with or without facts.
import Decimal from 'decimal.js';
import type { ApplicantEvent } from './applicant-events';
import type { ReasonCode } from './reason-codes';

export type Language = 'es' | 'pt' | 'en';
export const LANGUAGES: readonly Language[] = ['es', 'pt', 'en'];
export const isLanguage = (value: string): value is Language => (LANGUAGES as readonly string[]).includes(value);
export const APPLICATION_STATUSES = ['RECEIVED', 'VERIFYING', 'ENROLLED', 'REJECTED', 'NEEDS_REVIEW', 'APPEALED'] as const;
export type ApplicationStatusCode = (typeof APPLICATION_STATUSES)[number];
export type Facts = Record<string, string | number>;
type SmsKey =
  | 'ENROLLED'
  | 'NEEDS_REVIEW'
  | 'REJECTED'
  | 'APPEAL_RECEIVED'
  | 'APPEAL_ENROLLED'
  | 'APPEAL_REJECTED'
  | 'IDENTITY_ATTEMPT'
  | 'ACCOUNT_NOT_CONFIRMED'
  | 'IDENTITY_DISPUTED'
  | 'CODE';

interface Texts {
  locale: string;
  group: string;
  decimal: string; // dates through Intl; numbers by hand (exact strings)
  reasonWords: [one: string, many: string, moreAt: string];
  scope: Record<string, string>; // FORMALLY_EMPLOYED's scope fact, in words
  reasons: Record<ReasonCode, string>;
  sms: Record<SmsKey, string>;
  status: Record<ApplicationStatusCode, string>;
}

const TEXTS: Record<Language, Texts> = {
  es: {
    locale: 'es',
    group: '.',
    decimal: ',',
    reasonWords: ['Motivo:', 'Motivos:', 'Hay más motivos en {url}.'],
    scope: { applicant: 'usted', household: 'una persona de su hogar' },
    reasons: {
      NOT_IN_REGISTRY: 'Su número de documento no aparece en el registro social, y el programa solo acepta personas inscritas en él.',
      DATE_OF_BIRTH_MISMATCH: 'La fecha de nacimiento que escribió no es la que tiene el registro social para su documento.',
      NAME_MISMATCH: 'El nombre que escribió no es el que tiene el registro social para su documento.',
      INCOME_ABOVE_THRESHOLD: 'El ingreso mensual por persona de su hogar[ ({perCapita})] supera el límite del programa[ ({threshold})].',
      APPLICANT_TOO_YOUNG: 'Usted no tiene la edad mínima del programa[ (tiene {age} años y el mínimo es {minimum})].',
      APPLICANT_TOO_OLD: 'Usted pasa la edad máxima del programa[ (tiene {age} años y el máximo es {maximum})].',
      HOUSEHOLD_SIZE_OUT_OF_RANGE:
        'El número de personas de su hogar[ ({householdSize})] no es el que pide el programa[: de {min} a {max} personas|: al menos {min} personas|: como máximo {max} personas|].',
      NOT_ENOUGH_CHILDREN:
        'Su hogar no tiene los niños o niñas que pide el programa[ (tiene {children} menores de {underAge} años y se piden al menos {required})].',
      FORMALLY_EMPLOYED:
        'Según el registro, [{scope}|usted o una persona de su hogar] tiene un empleo formal, y el programa es para hogares sin empleo formal.',
      CONFLICTING_BENEFIT: 'Su hogar ya recibe otro beneficio que no se puede sumar a este programa[ ({benefits})].',
      OUTSIDE_TARGET_AREA: 'Su municipio[ ({municipality})] no está entre los lugares donde funciona el programa.',
      VULNERABILITY_TOO_LOW:
        'El puntaje de necesidad de su hogar en el registro social[ ({score})] está por debajo del mínimo del programa[ ({minimum})].',
      PHONE_NOT_VERIFIED:
        'No confirmó su teléfono con el código que le enviamos a tiempo, y se presentó una nueva solicitud con su documento.',
      DUPLICATE_PERSON: 'Usted ya está inscrito en este programa, y cada persona puede estar inscrita una sola vez.',
      DUPLICATE_HOUSEHOLD: 'Su hogar ya está inscrito en este programa, y cada hogar recibe el pago una sola vez.',
      ACCOUNT_IN_USE: 'La cuenta o billetera que indicó ya recibe los pagos de otro hogar, y cada hogar necesita su propia cuenta.',
      ACCOUNT_HOLDER_MISMATCH:
        'El banco o la billetera dice que la cuenta que indicó es de otra persona, y el programa solo paga en cuentas a su nombre.',
      ACCOUNT_CLOSED: 'El banco o la billetera dice que la cuenta que indicó está cerrada o inactiva, y así no puede recibir pagos.',
      ACCOUNT_UNKNOWN: 'El banco o la billetera no encuentra la cuenta que indicó. Revise el número.',
      IDENTITY_DISPUTED: 'Hay dudas sobre la identidad de quien pidió este beneficio, y los pagos esperan a que el programa la confirme.',
      HOUSEHOLD_REMOVED: 'El hogar dejó el programa y ya no recibe pagos.',
      ACCOUNT_NAME_DIFFERS:
        'El nombre de la cuenta que indicó no es el que escribió en la solicitud. Una persona del programa lo revisará.',
      PHONE_SHARED_TOO_OFTEN:
        'Su número de teléfono se usó en más solicitudes de las que permite el programa[ ({count}; máximo {maximum})].',
      REVIEW_REJECTED:
        'Una persona del programa revisó su solicitud porque se parece a la de otra persona inscrita, y decidió no aprobarla.',
      APPEAL_REJECTED: 'Una persona del programa revisó su apelación y mantuvo la decisión de no aprobar su solicitud.',
    },
    sms: {
      ENROLLED: '{program}: su solicitud {number} fue aprobada. Su hogar quedó inscrito y recibirá los pagos en la cuenta que indicó.',
      NEEDS_REVIEW:
        '{program}: una persona del programa revisará su solicitud {number}. No tiene que hacer nada. Le enviaremos un SMS con la decisión.',
      REJECTED:
        '{program}: su solicitud {number} no fue aprobada. {reasons} Si no está de acuerdo, puede apelar hasta el {date} en {url} con su número de solicitud y su fecha de nacimiento.',
      APPEAL_RECEIVED:
        '{program}: recibimos su apelación de la solicitud {number}. Una persona del programa la revisará y le enviaremos un SMS con la decisión.',
      APPEAL_ENROLLED:
        '{program}: su apelación fue aceptada. Su solicitud {number} fue aprobada y su hogar quedó inscrito para recibir los pagos.',
      APPEAL_REJECTED:
        '{program}: revisamos su apelación y su solicitud {number} sigue sin aprobarse. {reasons} Puede ver los detalles en {url} con su número de solicitud y su fecha de nacimiento.',
      IDENTITY_ATTEMPT:
        '{program}: hoy alguien intentó presentar otra solicitud con su número de documento. No se cambió nada de su solicitud {number}. Si no fue usted, llame al programa.',
      ACCOUNT_NOT_CONFIRMED:
        '{program}: no pudimos confirmar la cuenta que indicó en la solicitud {number}. {reasons} Puede indicar otra cuenta en {url} con su número de solicitud y su fecha de nacimiento.',
      IDENTITY_DISPUTED:
        '{program}: necesitamos confirmar su identidad para la solicitud {number}. Los pagos quedan en espera hasta entonces. Llame al programa o acuda a una oficina con su documento de identidad.',
      CODE: '{program}: su código para la solicitud {number} es {code}. Vence en 10 minutos. No lo comparta con nadie: el programa nunca se lo pedirá por teléfono.',
    },
    status: {
      RECEIVED: 'Recibimos su solicitud. Pronto comprobaremos sus datos en el registro social.',
      VERIFYING:
        'Estamos comprobando sus datos con las reglas del programa. No tiene que hacer nada: le enviaremos un SMS con la decisión.',
      ENROLLED: 'Su hogar está inscrito en el programa y recibirá los pagos en la cuenta que indicó.',
      REJECTED: 'Su solicitud no fue aprobada. Si no está de acuerdo con los motivos, puede apelar antes de la fecha límite.',
      NEEDS_REVIEW: 'Una persona del programa está revisando su solicitud. No tiene que hacer nada: le enviaremos un SMS con la decisión.',
      APPEALED: 'Recibimos su apelación. Una persona del programa la revisará y le enviaremos un SMS con la decisión.',
    },
  },
  pt: {
    locale: 'pt-BR',
    group: '.',
    decimal: ',',
    reasonWords: ['Motivo:', 'Motivos:', 'Há mais motivos em {url}.'],
    scope: { applicant: 'você', household: 'uma pessoa da sua família' },
    reasons: {
      NOT_IN_REGISTRY: 'Seu número de documento não aparece no cadastro social, e o programa só aceita pessoas inscritas nele.',
      DATE_OF_BIRTH_MISMATCH: 'A data de nascimento que você informou não é a que o cadastro social tem para o seu documento.',
      NAME_MISMATCH: 'O nome que você informou não é o que o cadastro social tem para o seu documento.',
      INCOME_ABOVE_THRESHOLD: 'A renda mensal por pessoa da sua família[ ({perCapita})] passa do limite do programa[ ({threshold})].',
      APPLICANT_TOO_YOUNG: 'Você não tem a idade mínima do programa[ (tem {age} anos e o mínimo é {minimum})].',
      APPLICANT_TOO_OLD: 'Você passa da idade máxima do programa[ (tem {age} anos e o máximo é {maximum})].',
      HOUSEHOLD_SIZE_OUT_OF_RANGE:
        'O número de pessoas da sua família[ ({householdSize})] não é o que o programa pede[: de {min} a {max} pessoas|: pelo menos {min} pessoas|: no máximo {max} pessoas|].',
      NOT_ENOUGH_CHILDREN:
        'Sua família não tem as crianças que o programa pede[ (tem {children} menores de {underAge} anos e o programa pede pelo menos {required})].',
      FORMALLY_EMPLOYED:
        'Segundo o cadastro, [{scope}|você ou uma pessoa da sua família] tem emprego formal, e o programa é para famílias sem emprego formal.',
      CONFLICTING_BENEFIT: 'Sua família já recebe outro benefício que não pode ser somado a este programa[ ({benefits})].',
      OUTSIDE_TARGET_AREA: 'Seu município[ ({municipality})] não está entre os lugares atendidos pelo programa.',
      VULNERABILITY_TOO_LOW:
        'A pontuação de necessidade da sua família no cadastro social[ ({score})] está abaixo do mínimo do programa[ ({minimum})].',
      PHONE_NOT_VERIFIED:
        'Você não confirmou seu telefone com o código que enviamos a tempo, e um novo pedido foi feito com o seu documento.',
      DUPLICATE_PERSON: 'Você já está inscrito neste programa, e cada pessoa só pode ser inscrita uma vez.',
      DUPLICATE_HOUSEHOLD: 'Sua família já está inscrita neste programa, e cada família recebe o pagamento uma só vez.',
      ACCOUNT_IN_USE:
        'A conta ou carteira digital que você informou já recebe os pagamentos de outra família, e cada família precisa da sua própria conta.',
      ACCOUNT_HOLDER_MISMATCH:
        'O banco ou a carteira diz que a conta que você informou é de outra pessoa, e o programa só paga em contas no seu nome.',
      ACCOUNT_CLOSED:
        'O banco ou a carteira diz que a conta que você informou está encerrada ou inativa e assim não pode receber pagamentos.',
      ACCOUNT_UNKNOWN: 'O banco ou a carteira não encontra a conta que você informou. Confira o número.',
      IDENTITY_DISPUTED: 'Há dúvidas sobre a identidade de quem pediu este benefício, e os pagamentos aguardam a confirmação do programa.',
      HOUSEHOLD_REMOVED: 'A família saiu do programa e não recebe mais pagamentos.',
      ACCOUNT_NAME_DIFFERS: 'O nome da conta que você informou não é o que você escreveu no pedido. Uma pessoa do programa vai verificar.',
      PHONE_SHARED_TOO_OFTEN: 'Seu número de telefone foi usado em mais pedidos do que o programa permite[ ({count}; máximo {maximum})].',
      REVIEW_REJECTED:
        'Uma pessoa do programa analisou seu pedido porque ele se parece com o de outra pessoa inscrita, e decidiu não aprovar.',
      APPEAL_REJECTED: 'Uma pessoa do programa analisou seu recurso e manteve a decisão de não aprovar seu pedido.',
    },
    sms: {
      ENROLLED:
        '{program}: seu pedido {number} foi aprovado. Sua família foi inscrita e vai receber os pagamentos na conta que você informou.',
      NEEDS_REVIEW:
        '{program}: uma pessoa do programa vai analisar seu pedido {number}. Você não precisa fazer nada. Vamos mandar um SMS com a decisão.',
      REJECTED:
        '{program}: seu pedido {number} não foi aprovado. {reasons} Se não concordar, você pode recorrer até {date} em {url} com o número do pedido e sua data de nascimento.',
      APPEAL_RECEIVED:
        '{program}: recebemos seu recurso do pedido {number}. Uma pessoa do programa vai analisar e vamos mandar um SMS com a decisão.',
      APPEAL_ENROLLED:
        '{program}: seu recurso foi aceito. Seu pedido {number} foi aprovado e sua família foi inscrita para receber os pagamentos.',
      APPEAL_REJECTED:
        '{program}: analisamos seu recurso e seu pedido {number} continua não aprovado. {reasons} Veja os detalhes em {url} com o número do pedido e sua data de nascimento.',
      IDENTITY_ATTEMPT:
        '{program}: hoje alguém tentou fazer outro pedido com o número do seu documento. Nada mudou no seu pedido {number}. Se não foi você, ligue para o programa.',
      ACCOUNT_NOT_CONFIRMED:
        '{program}: não conseguimos confirmar a conta que você informou no pedido {number}. {reasons} Você pode informar outra conta em {url} com o número do pedido e a data de nascimento.',
      IDENTITY_DISPUTED:
        '{program}: precisamos confirmar sua identidade para o pedido {number}. Os pagamentos ficam em espera até lá. Ligue para o programa ou vá a um posto de atendimento com seu documento de identidade.',
      CODE: '{program}: seu código para o pedido {number} é {code}. Ele vence em 10 minutos. Não o passe para ninguém: o programa nunca vai pedir o código por telefone.',
    },
    status: {
      RECEIVED: 'Recebemos seu pedido. Em breve vamos conferir seus dados no cadastro social.',
      VERIFYING: 'Estamos conferindo seus dados com as regras do programa. Você não precisa fazer nada: vamos mandar um SMS com a decisão.',
      ENROLLED: 'Sua família está inscrita no programa e vai receber os pagamentos na conta que você informou.',
      REJECTED: 'Seu pedido não foi aprovado. Se não concordar com os motivos, você pode recorrer antes da data limite.',
      NEEDS_REVIEW: 'Uma pessoa do programa está analisando seu pedido. Você não precisa fazer nada: vamos mandar um SMS com a decisão.',
      APPEALED: 'Recebemos seu recurso. Uma pessoa do programa vai analisar e vamos mandar um SMS com a decisão.',
    },
  },
  en: {
    locale: 'en-GB',
    group: ',',
    decimal: '.',
    reasonWords: ['Reason:', 'Reasons:', 'More reasons at {url}.'],
    scope: { applicant: 'you', household: 'someone in your household' },
    reasons: {
      NOT_IN_REGISTRY: 'Your ID number is not in the social registry, and the program only accepts people listed there.',
      DATE_OF_BIRTH_MISMATCH: 'The date of birth you gave is not the one the social registry has for your ID.',
      NAME_MISMATCH: 'The name you gave is not the one the social registry has for your ID.',
      INCOME_ABOVE_THRESHOLD: "Your household's monthly income per person[ ({perCapita})] is above the program's limit[ ({threshold})].",
      APPLICANT_TOO_YOUNG: "You are younger than the program's minimum age[ (you are {age} and the minimum is {minimum})].",
      APPLICANT_TOO_OLD: "You are older than the program's maximum age[ (you are {age} and the maximum is {maximum})].",
      HOUSEHOLD_SIZE_OUT_OF_RANGE:
        'The number of people in your household[ ({householdSize})] is not what the program requires[: {min} to {max} people|: at least {min} people|: at most {max} people|].',
      NOT_ENOUGH_CHILDREN:
        'Your household does not have the children the program requires[ (it has {children} under age {underAge} and needs at least {required})].',
      FORMALLY_EMPLOYED:
        'The registry shows a formal job held by [{scope}|you or someone in your household], and the program is for households without formal jobs.',
      CONFLICTING_BENEFIT: 'Your household already gets another benefit that cannot be combined with this program[ ({benefits})].',
      OUTSIDE_TARGET_AREA: 'Your municipality[ ({municipality})] is not one of the areas the program covers.',
      VULNERABILITY_TOO_LOW: "Your household's need score in the social registry[ ({score})] is below the program's minimum[ ({minimum})].",
      PHONE_NOT_VERIFIED: 'Your phone was not confirmed in time with the code we sent, and a new application was made with your ID.',
      DUPLICATE_PERSON: 'You are already enrolled in this program, and each person can be enrolled only once.',
      DUPLICATE_HOUSEHOLD: 'Your household is already enrolled in this program, and each household is paid only once.',
      ACCOUNT_IN_USE:
        'The account or wallet you gave already receives payments for another household, and each household needs its own account.',
      ACCOUNT_HOLDER_MISMATCH:
        'The bank or wallet says the account you gave belongs to someone else, and the program only pays into accounts in your name.',
      ACCOUNT_CLOSED: 'The bank or wallet says the account you gave is closed or inactive, so it cannot receive payments.',
      ACCOUNT_UNKNOWN: 'The bank or wallet cannot find the account you gave. Please check the number.',
      IDENTITY_DISPUTED: 'There are doubts about the identity of the person who applied, and payments wait until the program confirms it.',
      HOUSEHOLD_REMOVED: 'The household has left the program and is no longer paid.',
      ACCOUNT_NAME_DIFFERS: 'The name on the account you gave is not the name on your application. A program officer will check it.',
      PHONE_SHARED_TOO_OFTEN: 'Your phone number was used on more applications than the program allows[ ({count}; at most {maximum})].',
      REVIEW_REJECTED:
        "A program officer checked your application because it looks like another enrolled person's, and decided not to approve it.",
      APPEAL_REJECTED: 'A program officer reviewed your appeal and kept the decision not to approve your application.',
    },
    sms: {
      ENROLLED: '{program}: your application {number} was approved. Your household is enrolled and will be paid into the account you gave.',
      NEEDS_REVIEW:
        '{program}: a program officer will check your application {number}. You do not need to do anything. We will text you the decision.',
      REJECTED:
        '{program}: your application {number} was not approved. {reasons} If you disagree, you can appeal until {date} at {url} with your application number and date of birth.',
      APPEAL_RECEIVED:
        '{program}: we received your appeal for application {number}. A program officer will review it and we will text you the decision.',
      APPEAL_ENROLLED:
        '{program}: your appeal was accepted. Your application {number} is approved and your household is enrolled to receive payments.',
      APPEAL_REJECTED:
        '{program}: we reviewed your appeal and your application {number} is still not approved. {reasons} See the details at {url} with your application number and date of birth.',
      IDENTITY_ATTEMPT:
        '{program}: today someone tried to submit another application with your ID number. Nothing changed in your application {number}. If it was not you, call the program.',
      ACCOUNT_NOT_CONFIRMED:
        '{program}: we could not confirm the account you gave for application {number}. {reasons} You can give another account at {url} with your application number and date of birth.',
      IDENTITY_DISPUTED:
        '{program}: we need to confirm your identity for application {number}. Payments are on hold until then. Call the program or visit an office with your identity document.',
      CODE: '{program}: your code for application {number} is {code}. It expires in 10 minutes. Do not share it with anyone: the program will never ask for it by phone.',
    },
    status: {
      RECEIVED: 'We received your application. We will soon check your details in the social registry.',
      VERIFYING: "We are checking your details against the program's rules. You do not need to do anything: we will text you the decision.",
      ENROLLED: 'Your household is enrolled in the program and will be paid into the account you gave.',
      REJECTED: 'Your application was not approved. If you disagree with the reasons, you can appeal before the deadline.',
      NEEDS_REVIEW: 'A program officer is checking your application. You do not need to do anything: we will text you the decision.',
      APPEALED: 'We received your appeal. A program officer will review it and we will text you the decision.',
    },
  },
};

// Facts that are money: always two decimals. Other numbers keep the digits they came with.
const AMOUNT_FACTS = new Set(['perCapita', 'threshold', 'householdMonthlyIncome']);

/** Local digit grouping done on the string itself: amounts are exact decimals, never floats. */
export function formatNumber(value: string | number, lang: Language, decimals?: number): string {
  const raw = String(value).trim();
  if (!/^-?\d+(\.\d+)?$/.test(raw)) return raw;
  const fixed = decimals === undefined ? raw : new Decimal(raw).toFixed(decimals, Decimal.ROUND_HALF_UP);
  const [int = '', frac] = fixed.replace('-', '').split('.');
  const { group, decimal } = TEXTS[lang];
  return `${fixed.startsWith('-') ? '-' : ''}${int.replace(/\B(?=(\d{3})+(?!\d))/g, group)}${frac ? decimal + frac : ''}`;
}

/** The calendar date as written in the ISO string (its own offset), e.g. "15 de julio de 2025". */
export function formatDate(iso: string, lang: Language): string {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  return dateFormat(lang).format(Date.UTC(y, m - 1, d));
}

// Making an Intl.DateTimeFormat costs far more than using one (a decision batch writes a thousand dates).
const dateFormats = new Map<Language, Intl.DateTimeFormat>();
function dateFormat(lang: Language): Intl.DateTimeFormat {
  let format = dateFormats.get(lang);
  if (!format) {
    format = new Intl.DateTimeFormat(TEXTS[lang].locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    dateFormats.set(lang, format);
  }
  return format;
}

function factValue(key: string, value: string | number, lang: Language): string | undefined {
  if (key === 'scope') return TEXTS[lang].scope[String(value)];
  if (key === 'benefits')
    return (
      String(value)
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean)
        .join(', ') || undefined
    );
  if (key === 'municipality') return String(value);
  return formatNumber(value, lang, AMOUNT_FACTS.has(key) ? 2 : undefined);
}

/** Fills a template with formatted values in one pass: a value is never read as template. */
function render(template: string, values: Record<string, string | undefined>): string {
  const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');
  const known = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].every(([, k]) => values[k!] !== undefined);
  return template.replace(/\[([^\]]*)\]|\{(\w+)\}/g, (_, options: string | undefined, key: string | undefined) =>
    options === undefined ? (values[key!] ?? '') : fill(options.split('|').find(known) ?? ''),
  );
}

export function reasonSentence(code: ReasonCode, lang: Language, facts: Facts = {}): string {
  const values = Object.fromEntries(Object.entries(facts).map(([key, value]) => [key, factValue(key, value, lang)]));
  return render(TEXTS[lang].reasons[code], values);
}

export function statusExplanation(status: ApplicationStatusCode, lang: Language): string {
  return TEXTS[lang].status[status];
}

export const SMS_MAX_LENGTH = 480; // every body is shorter: about three concatenated segments with accents

export interface SmsContext {
  programName: string;
  applicationNumber: string;
  facts?: Partial<Record<ReasonCode, Facts>>;
  /** Where the applicant checks the status and appeals (the web server's /status page). */
  statusUrl?: string;
}

export function smsBody(event: ApplicantEvent, lang: Language, ctx: SmsContext): string {
  const t = TEXTS[lang];
  // An admin-typed program name must not push the message past the SMS budget.
  const program = ctx.programName.length > 60 ? `${ctx.programName.slice(0, 59)}…` : ctx.programName;
  const base = { program, number: ctx.applicationNumber, url: ctx.statusUrl ?? '/status' };
  if (event.kind === 'APPEAL_RECEIVED') return render(t.sms.APPEAL_RECEIVED, base);
  if (event.kind === 'IDENTITY_ATTEMPT') return render(t.sms.IDENTITY_ATTEMPT, base);
  if (event.kind === 'CODE') return render(t.sms.CODE, { ...base, code: event.code });
  if (event.kind === 'IDENTITY_DISPUTED') return render(t.sms.IDENTITY_DISPUTED, base);
  if (event.kind !== 'ACCOUNT_NOT_CONFIRMED' && event.status !== 'REJECTED')
    return render(t.sms[event.kind === 'DECISION' ? event.status : 'APPEAL_ENROLLED'], base);
  const template = { DECISION: t.sms.REJECTED, APPEAL_DECIDED: t.sms.APPEAL_REJECTED, ACCOUNT_NOT_CONFIRMED: t.sms.ACCOUNT_NOT_CONFIRMED }[
    event.kind
  ];
  const date = event.kind === 'DECISION' ? formatDate(event.appealDeadline, lang) : undefined;
  const codes = [...new Set(event.reasonCodes)];
  const compose = (sentences: string[], more: boolean) => {
    const listed = sentences.length > 0 ? [`${t.reasonWords[sentences.length > 1 || more ? 1 : 0]} ${sentences.join(' ')}`] : [];
    const reasons = [...listed, ...(more ? [render(t.reasonWords[2], base)] : [])].join(' ');
    return render(template, { ...base, date, reasons });
  };
  // With facts if it fits; else without; else the first reasons and a pointer to the status page.
  const short = codes.map((c) => reasonSentence(c, lang));
  const candidates = [
    compose(
      codes.map((c) => reasonSentence(c, lang, ctx.facts?.[c])),
      false,
    ),
    ...short.map((_, dropped) => compose(short.slice(0, short.length - dropped), dropped > 0)),
  ];
  return candidates.find((body) => body.length < SMS_MAX_LENGTH) ?? compose([], true);
}

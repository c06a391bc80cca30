// The phrasing library of the scripted planner. Every beat has many templates, and templates are built from
// alternatives ({a|b}) and slots ([first], [noun], …), so two calls of the same pairing rarely share a line.
// Slots: [first] [name] [agent] [company] [noun] [thing] [doc] [app] [ref] [amount] [days] [day] [date] [time]
// [staff] [issue] [wish] [topic] [id] [idkind] [phone4] [email] [mins] [step]

export interface IndustryWords {
  noun: readonly string[];
  thing: readonly string[];
  doc: readonly string[];
  app: readonly string[];
  verifyAsk: readonly string[];
}

export const INDUSTRY_WORDS: Record<string, IndustryWords> = {
  telecom: {
    noun: ['account', 'line', 'plan', 'service'],
    thing: ['phone', 'router', 'modem', 'SIM card', 'handset'],
    doc: ['bill', 'monthly statement', 'invoice'],
    app: ['the My Account app', 'the online portal', 'your account dashboard'],
    verifyAsk: [
      '{could|can} I {get|have} the account number{, or the mobile number on the account|}',
      'what is the account number{ on your bill|}',
      '{could you|can you} {read me|give me} your account number{ and the last four digits of the phone number on the account|}',
    ],
  },
  banking: {
    noun: ['account', 'checking account', 'card', 'profile'],
    thing: ['debit card', 'card', 'online banking login', 'mobile banking app'],
    doc: ['statement', 'transaction history', 'account activity'],
    app: ['online banking', 'the mobile app', 'your banking dashboard'],
    verifyAsk: [
      '{could|can} I {get|have} your account number{ and your date of birth|}',
      '{for security,|just for security purposes,} {could you|can you} {confirm|give me} the last four digits of your card',
      '{could you|can you} {verify|confirm} your account number{ for me|}',
    ],
  },
  ecommerce: {
    noun: ['order', 'account', 'purchase'],
    thing: ['package', 'item', 'parcel', 'delivery'],
    doc: ['order confirmation', 'receipt', 'order history'],
    app: ['the website', 'your order page', 'the app'],
    verifyAsk: [
      '{could|can} I {get|have} the order number{? It starts with the letters on your confirmation email|}',
      'what is the order number{ on your confirmation|}',
      '{could you|can you} {read me|give me} the order number{, or the email address on the account|}',
    ],
  },
  travel: {
    noun: ['booking', 'reservation', 'trip', 'itinerary'],
    thing: ['ticket', 'boarding pass', 'bag', 'seat'],
    doc: ['itinerary', 'booking confirmation', 'e-ticket receipt'],
    app: ['the manage-booking page', 'the app', 'our website'],
    verifyAsk: [
      '{could|can} I {get|have} the booking reference{, the six characters on your confirmation|}',
      'what is your booking reference{ or loyalty number|}',
      '{could you|can you} {read me|give me} the reservation code{ and the name on the booking|}',
    ],
  },
  utilities: {
    noun: ['account', 'service', 'supply'],
    thing: ['meter', 'breaker', 'thermostat', 'smart meter'],
    doc: ['bill', 'statement', 'usage report'],
    app: ['the customer portal', 'the outage map', 'our app'],
    verifyAsk: [
      '{could|can} I {get|have} the account number{ from your bill|}',
      'what is the service address or account number{ on the bill|}',
      '{could you|can you} {read me|give me} your account number{ and the last four digits of your phone|}',
    ],
  },
  healthcare_billing: {
    noun: ['account', 'balance', 'statement'],
    thing: ['visit', 'claim', 'copay', 'procedure'],
    doc: ['statement', 'explanation of benefits', 'itemized bill'],
    app: ['the patient portal', 'the billing portal', 'our website'],
    verifyAsk: [
      '{could|can} I {get|have} the patient account number{ and your date of birth|}',
      '{could you|can you} {confirm|give me} your date of birth and the account number on the statement',
      'what is the account number{ at the top of the statement|}',
    ],
  },
  insurance: {
    noun: ['policy', 'coverage', 'claim'],
    thing: ['vehicle', 'claim', 'deductible', 'premium'],
    doc: ['policy statement', 'declarations page', 'claim letter'],
    app: ['the policyholder portal', 'the app', 'your online account'],
    verifyAsk: [
      '{could|can} I {get|have} your policy number{ please|}',
      'what is the policy number{ on your card|}',
      '{could you|can you} {read me|give me} your policy number{ and the claim number if you have one|}',
    ],
  },
};

export interface CategoryScript {
  topic: readonly string[];
  /** The agent's troubleshooting or fact-finding steps, in order. */
  steps: readonly string[];
  /** What the customer answers to a step, by technical proficiency. */
  answers: Record<'low' | 'medium' | 'high', readonly string[]>;
  fix: readonly string[];
  limit: readonly string[];
}

const GENERIC_ANSWERS: CategoryScript['answers'] = {
  low: [
    "{Oh dear|Goodness}, {I wouldn't know|I have no idea}{, to be honest|}. {[relname] usually|My [rel] normally} {looks after|handles} {that side of things|the computer stuff}.",
    "{I'm looking at|I have} {the paper|the letter|the [doc]} {here|in my hand}{, and|but} {it doesn't say|I can't see} {anything like that|where that is}.",
    "{Sorry, |}{I wrote it down somewhere|I had it on a sticky note}{, hang on|, let me look}{... |. }{no, I can't find it|it was on the fridge}.",
    "{Um, |Oh, |}I'm not {really |}sure{, honestly|}. I {don't really|never} {understand|get} {these things|how all that works}{, I just|, I only} {use it|pay the bill|look at the total}.",
    "{I think so? |Maybe? |}{My {son|daughter|neighbor} usually {helps me|does that for me}|I'm not great with {this stuff|computers}}{, so I'm not sure|, sorry}.",
    "{Okay, |Alright, |}{hang on|give me a second|one moment}{, I'm looking|, let me find it}{... |. }{I think|It looks like} {that's|it's} {right|what it says}.",
  ],
  medium: [
    '{I think so|Probably}{, yes|}. {I remember|I recall} {seeing|getting} {an email|a message} about it {around [date]|on [date]}{, but I deleted it|}.',
    "{Right|Yes}, {and|but} {the|my} [doc] {doesn't|does not} {match|agree with} what [app] {says|shows}{, which is odd|}.",
    '{As far as I can tell|From what I see}, {yes|that is right}{; I double-checked with [relname]| and my [rel] agrees|}.',
    '{Yes|Yeah|Right}, {I checked that|I looked at that|I did see that}{ this morning| yesterday| before I called}{, and|. And} it {still|definitely} {shows|says} the same thing.',
    "{I'm|I am} {looking at|on} [app] {now|right now}{, and|.} {it shows|I can see} {what I described|the same problem}.",
    '{Yes|Sure}, {that matches|that lines up with} what I {saw|have here}{, it was around [date]| on [date]|}.',
  ],
  high: [
    '{Yes, and|Right, and} {I have|I kept} {screenshots|a copy} {from [date]|of every step}{, happy to send them|, if you need them|}.',
    "{Confirmed|Yes}. {I compared|I checked} {the last three|the past two} [doc]s{, and the difference starts on [date]|; it's a change on your end}.",
    '{Exactly|Correct}{, and|.} {the|my} {logs|notes} {show|say} {it|the change} {started|happened} {after|right after} {your update|the update} on [date].',
    "{Yes|Already done}. I {checked|went through} [app]{ and|, and} {it's consistent with|everything points to} {an issue on your side|a problem in your system}{, not mine|}.",
    "I've {already|} {verified|confirmed} that{, twice|, more than once|}. {The record|Your system|The log} {shows|has} {it|the change} {dated|timestamped} [date].",
    '{Correct|Right|Yes}{, and|.} {to save time,|so you know,} I {also|} {tried|ruled out} the {usual|obvious} {fixes|suspects} before calling.',
  ],
};

export const GENERIC_PROFICIENCY_ANSWERS = GENERIC_ANSWERS;

function script(
  partial: Omit<CategoryScript, 'answers'> & { answers?: CategoryScript['answers'] },
): CategoryScript {
  return { answers: GENERIC_ANSWERS, ...partial };
}

export const CATEGORY_SCRIPTS: Record<string, CategoryScript> = {
  billing_dispute: script({
    topic: ['the charge', 'that charge on your [doc]', 'the billing problem'],
    steps: [
      "{{Let me look at|I am pulling up} the [doc]. {Can you tell me|Which} {the amount and date of|charge is} the {charge|line} you {are disputing|don't recognize}?|{Okay, the [doc] is open|I have the [doc] here}. {What was the amount|How much was it} on the {charge|line} {you're questioning|that looks wrong}, and {what date|which day} did it {post|appear}?}",
      '{{I see it here|Okay, I have it}. Did {anyone|a representative} tell you {it would be waived|there would be no fee} when you {signed up|made the change}?|{Found it|There it is}. {When you {signed up|changed things}, did {the rep|whoever you spoke to}|Did {the store|the person who set it up}} {say|promise} {there would be no fee|it would be waived}?}',
      '{And|Okay, and} {has this happened|have you seen this charge} {before|on an earlier [doc]}, or is this the first time?',
    ],
    fix: [
      "{Good news|Alright}: I've {removed|reversed} the [amount] charge. {You'll|You will} see the credit on your next [doc], and your reference number is [ref].",
      "I've {applied|put through} a credit of [amount] to your [noun]{ and noted the promotion| and added a note so it does not happen again}. The reference is [ref].",
      "{That charge should not be there|You're right, that was our mistake}. {It's|It has been} {credited back|refunded}, [amount], reference [ref]; {it shows within|give it} [days] days.",
    ],
    limit: [
      "I'm {not able|unable} to {remove|waive} that charge {myself|from here}{ without proof of the promotion|}; {it's|it is} {outside what I can approve|above my authorization}.",
      "{Unfortunately|I'm afraid} the system {won't let me|doesn't allow me to} {credit|reverse} that [amount] charge{ on my end|}.",
    ],
  }),
  refund: script({
    topic: ['your refund', 'the refund', 'getting that money back'],
    steps: [
      "{{Let me find|I am looking up} the {payment|transaction}. {What was the amount|How much was it}, and {roughly when|what day} {was it|did you pay}?|{I'm searching|Let me search} {your payments|the transactions} {now|here}. {How much did you pay|What amount was it}, and {about when|on what day}?}",
      '{{And|Okay.} {which|what} {card or account|payment method} did you {use|pay with}{ originally|}?|{Which|What} {card|account} {was it|did it go on}{, the original one| at the time|}?}',
      '{{Did you|Have you} {get|receive} {any|a} {confirmation|email} {that a refund was started|about the refund}?|{Did|Has} {anyone|anything} {sent you|emailed you} {a note|something} {saying|to say} the refund {was started|was on its way}?}',
    ],
    fix: [
      "{I've|I have} {processed|issued} the refund of [amount] to your original payment method. {Expect it|It should land} within [days] business days; reference [ref].",
      '{Done|All set}: the refund for [amount] {is|has been} {approved|released} today, confirmation [ref], {and|plus} an email is on its way.',
    ],
    limit: [
      "I'm {not able|unable} to {release|issue} that refund {myself|today}; {it needs|it has to go through} {a review|our refunds team}{ first| and that takes [days] days|}.",
      "{Unfortunately|I'm afraid} {the policy|our policy} {doesn't allow|won't let me issue} a refund {for that|in this case} {from my desk|}.",
    ],
  }),
  return: script({
    topic: ['the return', 'your return', 'sending it back'],
    steps: [
      '{Can you tell me|What is} {the item|which item} you {want to return|sent back}, and {is it|was it} {unused|in the original packaging}?',
      '{Did you {print|get}|Have you {printed|got}} a return label{ from [app]|}, or {drop it off|ship it} {yourself|already}?',
      '{And|Okay,} {do you have|is there} a tracking number {for the return|from the carrier}?',
    ],
    fix: [
      "{I've|I have} {approved|processed} the return; {the refund of|a credit for} [amount] {goes back|will go back} to your card in [days] days. Reference [ref].",
      "{Okay|Alright}, {I've|I have} {emailed|sent} you a prepaid return label and {marked|flagged} the {order|return} as approved, reference [ref].",
    ],
    limit: [
      "{I'm sorry, but|Unfortunately} {it's|the item is} {past|outside} the return window, so I {can't|am unable to} {approve|accept} the return {myself|from here}.",
      "I'm {not able|unable} to {process|accept} that return{ without the warehouse confirming it| until it is scanned in|}.",
    ],
  }),
  order_status: script({
    topic: ['your order', 'the delivery', 'where your [thing] is'],
    steps: [
      "{{Let me|I will} {track|check} {that|the} [thing]. {When|What day} did you {place the order|order it}?|{I'm tracking|Let me track} the [thing] {now|here}. {When|What day} {was the order placed|did you order}?}",
      '{I can see|It shows} the [thing] left {the warehouse|our depot} on [date]. {Have you checked|Did you check} {with neighbors|your mailroom|around the door}?',
      '{And|Okay,} {is|was} the delivery address {still|} {correct|the same} on the order?',
    ],
    fix: [
      "{I've|I have} {reshipped|sent out a replacement for} the [thing] {with express shipping|at no charge}; it arrives by [day]. Tracking reference [ref].",
      "{Good news|Okay}: the [thing] is {out for delivery|with the local carrier} and {should arrive|will be there} by [day] [time]. I'll {email|text} you the tracking, reference [ref].",
    ],
    limit: [
      "{Unfortunately|I'm afraid} I {can't|am not able to} {reship|replace} it {until|before} the carrier {closes|finishes} their investigation, which takes [days] days.",
      "I {don't have|have no} {way|option} to {speed that up|expedite it} from here{, it is with the carrier now|}.",
    ],
  }),
  damaged_or_wrong_item: script({
    topic: ['the damaged item', 'the wrong item', 'what arrived'],
    steps: [
      '{Oh no|I see}. {Can you describe the damage|What exactly is wrong with it}{, or what arrived instead|}?',
      '{Do you still have|Did you keep} the {box|packaging}{, and could you send a photo| and a photo of it|}?',
      '{Would you|Do you} {prefer|want} a replacement or a refund?',
    ],
    fix: [
      "{I've|I have} {sent|arranged} a replacement {by express|at no cost}; {it arrives|expect it} by [day], and {you can keep|please recycle} the damaged one. Reference [ref].",
      "{I've|I have} {refunded|credited} [amount] {in full|for the item} and {emailed|sent} a return label; reference [ref].",
    ],
    limit: [
      "I'm {not able|unable} to {send a replacement|refund it} {until|before} {our team reviews the photos|the claim is approved}, {which|and that} {takes|can take} [days] days.",
      "{Unfortunately|I'm afraid} {that item is|we are} out of stock, so I {can't|cannot} {replace|exchange} it {right now|from here}.",
    ],
  }),
  address_change: script({
    topic: ['the address change', 'updating your address', 'the new address'],
    steps: [
      '{Sure|Of course}. {What is|Could you give me} the new {address|street address}{, including the postal code|}?',
      '{And|Okay,} {should|do you want} this {apply|to apply} to {everything|all future [doc]s} or just {this|one} [noun]?',
      '{When|What date} {does|should} the change {take effect|start}?',
    ],
    fix: [
      "{Done|All set}. {I've|I have} {updated|changed} the address on your [noun]; {a confirmation|an email confirmation} goes out today, reference [ref].",
      "{The|Your} address is {now|} updated {from [when]|effective today}. {You'll|You will} {get|receive} a confirmation, reference [ref].",
    ],
    limit: [
      "{Unfortunately|I'm afraid} {the order has already shipped|it is already with the carrier}, so I {can't|am unable to} change the address {myself|from here}.",
      "I'm {not able|unable} to {change|update} the address {without|until} {extra verification|a signed form}{, that is the policy|}.",
    ],
  }),
  product_inquiry: script({
    topic: ['your question', 'the product question', 'what you wanted to know'],
    steps: [
      '{Happy to help|Great question}. {Which|What} {model|product|option} {are you looking at|do you have in mind}?',
      '{And|Okay,} {how will you use it|what are you planning to use it for}{, day to day|}?',
      '{Do you|Would you} {want|like} {me to compare|a comparison with} {the other|a similar} option?',
    ],
    fix: [
      "{Yes|Good news}, {that works|it is compatible} {for what you described|with what you have}. {I've|I have} {emailed|sent} you the {details|care guide}, reference [ref].",
      "{Here is|So} {the short answer|what I can tell you}: {it does|it will} {do exactly that|work for you}, and {I've|I have} {added|put} a [amount] {discount|coupon} on your [noun], reference [ref].",
    ],
    limit: [
      "{Honestly|To be honest}, I {don't|do not} {know|have} {that detail|the specifications} {in front of me|on my screen}{, and I can't confirm it|}.",
      "I'm {not able|unable} to {confirm|promise} that{ from here|}; {it depends on|that needs} {the manufacturer|a specialist}.",
    ],
  }),
  account_access: script({
    topic: ['getting back into your account', 'the login problem', 'the lock on your account'],
    steps: [
      '{Let me check|I am checking} {the|your} login. {What|Which} {message|error} {do you see|comes up} when you {try|sign in}?',
      '{Can you|Could you} {try|request} a reset {link|code} now{ while I wait|}? {It goes|It will go} to [email].',
      '{Did the {code|link} arrive|Has the {code|link} come through}{, and could you read me the first three characters|}?',
    ],
    fix: [
      "{I've|I have} {unlocked|reset} your {login|sign-in|portal access}; {you can|please} {sign in|log in} {now|again} with the temporary code. Reference [ref].",
      "{You're|You are} {back in|unlocked}. {I've|I have} {cleared|removed} the {lock|block} and {sent|emailed} a confirmation, reference [ref].",
    ],
    limit: [
      "{For security|Because of the security flag}, I'm {not able|unable} to unlock {it|the account} {over the phone|from here}; {it needs|you'll need} {a branch visit|an identity check}.",
      "{Unfortunately|I'm afraid} {the system|our system} {won't|does not} let me {reset|override} {that|the lock} {myself|on my end}.",
    ],
  }),
  cancellation: script({
    topic: ['the cancellation', 'closing the [noun]', 'cancelling'],
    steps: [
      "{{I can help with that|Sure}. {May I ask|Can I ask} {why you want to cancel|what made you decide to leave}?|{Of course|Okay}. {What's the reason|What's behind} {for leaving|the decision}{, if you don't mind me asking|}?}",
      '{Before|Just so you know, before} I {do that|process it}, there {is|may be} a [amount] {final|early-termination} charge. {Is that okay|Do you still want to go ahead}?',
      '{{And|Okay,} {what|which} date {should the cancellation take effect|would you like the cancellation to start}?|{When|What day} {do you want|should} {it|the cancellation} {to end|to take effect}{, today or later|}?}',
    ],
    fix: [
      "{Done|Alright}: {I've|I have} {cancelled|closed} the [noun] {effective [when]|as of today}{ and waived the final fee| with no further charges}. Reference [ref].",
      '{The|Your} [noun] is {cancelled|closed}; the final [doc] {goes out|arrives} within [days] days. Confirmation [ref].',
    ],
    limit: [
      "I'm {not able|unable} to {waive|remove} the [amount] {termination|closing} fee{ myself|}; {that is|it's} {above my level|not something I can approve}.",
      "{Unfortunately|I'm afraid} I {can't|cannot} cancel {it|the [noun]} {today|over the phone} {because|since} {there is a balance|the [noun] is still active}.",
    ],
  }),
  plan_change: script({
    topic: ['the plan change', 'switching plans', 'your plan'],
    steps: [
      '{Sure|Okay}. {Which|What} plan {are you on now|do you have today}, and {what|which} {one|plan} {are you looking at|do you want}?',
      '{And|Okay,} {are there any features|is there anything} {you need to keep|you want to keep}{, like the data or the perks|}?',
      '{When|What date} {would you like the {change|new plan} to start|should the {change|new plan} start}?',
    ],
    fix: [
      "{I've|I have} {switched|moved} you to the new plan {from [when]|starting next cycle}, {keeping|and kept} {the features you wanted|your current perks}; {your|the} new price is [amount]. Reference [ref].",
      "{Done|All set}: {the|your} plan {change|switch} is {in|confirmed}, [amount] a month{, and I've put it in writing by email|}. Reference [ref].",
    ],
    limit: [
      "I'm {not able|unable} to {keep|carry over} {that|the old} feature {on the new plan|if you switch}; {the system|it} {won't allow|doesn't allow} it.",
      "{Unfortunately|I'm afraid} that plan {isn't|is not} {available|offered} {on your [noun]|to me to set up} {from here|}.",
    ],
  }),
  payment_arrangement: script({
    topic: ['a payment plan', 'the payment arrangement', 'spreading the payments'],
    steps: [
      "{{I understand|Of course}. {How much|What amount} {could you|would you be able to} {pay|manage} {each month|monthly}?|{That's okay|We can work with that}. {What amount|How much} {feels manageable|is realistic} {per month|each month} for you?}",
      '{{And|Okay,} {what day|which date} {works best|suits you} for the payments{, around payday|}?|{When|What day} {do you get paid|is payday}{, so we can line the payments up|}?}',
      '{Would you like|Do you want} {autopay|automatic payments} {set up|on} for it?',
    ],
    fix: [
      "{I've|I have} set up {a|the} plan: [amount] a month{, no interest| with no interest}, first payment on [when]. Reference [ref].",
      '{Done|Okay}. {Your|The} {arrangement|payment plan} is {active|in place}; [amount] {each month|monthly} from [when], confirmation [ref].',
    ],
    limit: [
      "I'm {not able|unable} to {offer|approve} {that|a plan} {at that amount|for that long}; {it needs|that needs} {a manager|approval above me}.",
      "{Unfortunately|I'm afraid} the {lowest|minimum} I {can|am allowed to} {set|offer} is {higher|more} than that{ from my desk|}.",
    ],
  }),
  fraud: script({
    topic: ['the fraud', 'the charges you did not make', 'the suspicious activity'],
    steps: [
      "{I'm going to|Let me} {secure|lock} {that|your} [noun] {right away|first}. {Which|What} {transactions|charges} {don't you recognize|are not yours}?",
      '{Do you|Do you still} have the [thing] {with you|in your possession}{, and has anyone else used it|}?',
      "{{When|What day} {did you last {use it|make a purchase}|was the last time you {used it|made a purchase}} {yourself|that you remember}?|{When|What day} {was the last purchase|did you last buy something} {you're sure was yours|that you remember making}?}",
    ],
    fix: [
      "{I've|I have} {blocked|frozen} the [thing], {opened|filed} a dispute for [amount], and a new one {arrives|ships} by [day]. Case reference [ref].",
      "{You're|You are} protected: {the|those} charges {are|have been} {reversed|credited back} as [amount], and the case number is [ref].",
    ],
    limit: [
      "I'm {not able|unable} to {reverse|refund} those charges {myself|today}; {the fraud team|our investigations team} {has to|must} {review|investigate} {them|it} first.",
      "{Unfortunately|I'm afraid} I {can only|can just} {freeze|lock} the [noun] {from here|on my side}; {the claim itself|the dispute} {is outside|is not} {what I can do|my authority}.",
    ],
  }),
  booking_change: script({
    topic: ['the booking change', 'your [noun]', 'changing the booking'],
    steps: [
      '{{Let me open|I am opening} the [noun]. {What|Which} {change|part} {do you need|would you like to make}?|{The [noun] is open|I have the [noun] up}. {What|Which part} {needs changing|should we change}?}',
      '{{And|Okay,} {are the dates|are your travel dates|is the travel date} {flexible|fixed}, or does it have to be [day]?|{How flexible|How fixed} {are your dates|is the travel date}{, or is [day] the only option|}?}',
      '{Is the {name|passenger name}|Should the {name|passenger name} be} {spelled|written} {exactly|just} as on the passport?',
    ],
    fix: [
      "{I've|I have} {updated|changed} the [noun]{ with no change fee| at no extra charge}; {a new|the updated} [doc] {is on its way|goes to your email}, reference [ref].",
      "{Done|All set}: {you're|you are} {rebooked|confirmed} for [day]{, same seat class|} and {I've|I have} {emailed|sent} the [doc]. Reference [ref].",
    ],
    limit: [
      "I'm {not able|unable} to {change|correct} {that|the [noun]} {without|unless there is} a [amount] {fee|fare difference}; {the rules|the fare rules} {don't let me|won't let me} waive it.",
      "{Unfortunately|I'm afraid} {that flight|the date you want} is {full|sold out}, and I {can't|cannot} {override|force} {it|a booking} {from here|}.",
    ],
  }),
  claim_status: script({
    topic: ['your claim', 'the claim', 'the claim status'],
    steps: [
      '{Let me pull up|I am opening} the claim. {When|What date} {did you file|was it filed}{, roughly|}?',
      '{I can see|It shows} {it|the claim} {was assigned|went} to an adjuster on [date]. {Have you sent|Did you send} {any|the} {photos|documents} they asked for?',
      '{And|Okay,} {has anyone contacted|did anyone contact} you {since then|about it}?',
    ],
    fix: [
      "{I've|I have} {escalated|moved} the claim to {priority|the top of the queue}; {the adjuster|[staff]} will {call you|be in touch} by [day], and {payment of|a payout of} [amount] {is approved|is on its way}. Reference [ref].",
      '{Good news|Okay}: the claim is {approved|settled}{ for [amount]|}, and {the|a} payment {goes out|is sent} within [days] days. Reference [ref].',
    ],
    limit: [
      "I'm {not able|unable} to {speed up|change} the claim {myself|from here}; {the adjuster|claims} {has to|must} {finish|complete} the review first, {usually|about} [days] days.",
      "{Unfortunately|I'm afraid} I {don't have|have no} {access|authority} to {approve|decide} {claims|the payout} {on my desk|from here}.",
    ],
  }),
  technical_support: script({
    topic: ['the technical problem', 'getting the [thing] working', 'the [thing]'],
    steps: [
      "{Let's|Let us} {try|do} {a quick|a simple} {restart|reset}. {Could you|Can you} {unplug|switch off} the [thing] for {thirty seconds|a minute} and {plug it back in|turn it on again}?",
      '{{Okay|Thanks}. {What|Which} {lights|messages} {do you see|are showing} on the [thing] {now|at the moment}?|{Alright|Thanks}. {Which|What} {lights are lit|message is showing} on the [thing] {right now|at this point}?}',
      '{Now|Next}, {could you|can you} {open|check} the settings and {tell me|read me} what it says {next to|under} the network {status|name}?',
      "{I'm|I am} {running|sending} a {line test|refresh signal} from here. {Does|Did} anything {change|come back} on your side?",
    ],
    answers: {
      low: [
        '{Um, |Oh, |}{okay|alright}, {hang on|give me a second}{... |. }{I think I|I} {unplugged|turned off} the {right|black} one{? There are|, there are} {lots of|so many} {cables|wires} back here.',
        "{I don't really know|I'm not sure} {what I'm looking at|which light is which}{, sorry|, honestly}. {There's|There is} {a blinking|an orange} {light|one}{, is that bad|, I think|}?",
        "{My {son|daughter} set it up|I never touch it}{, so I don't know|, so I'm lost}. {It still|It just} {doesn't|does not} {work|connect}.",
      ],
      medium: [
        '{Okay|Alright}, {done|I did that}. {The|A} {light|status light} {is|keeps} {blinking orange|flashing red} {now|again}.',
        '{It says|I see} {no connection|connected but no internet}{ under the network name|, same as before}.',
        '{I tried that|I did that} {already|this morning}{, twice| before calling}, and {nothing changed|it came back the same}.',
      ],
      high: [
        '{Done|Already did that}. {Power-cycled it|Full power cycle}{, factory reset too|}; it {syncs|gets a signal} but {drops|loses} {the connection|service} after {a minute|a few minutes}.',
        "{The|Its} status {page|screen} {shows|reports} {no provisioning|an authentication failure} on your side{, so it's not my setup|}.",
        "{I've|I have} {already|} {ruled out|checked} {the cabling|the settings} and {a second device|another [thing]}; {it's|the fault is} {upstream|on your network}.",
      ],
    },
    fix: [
      "{I found|There was} {a fault|a provisioning error} on {our|my} side and {I've|I have} {fixed|cleared} it. {It should|You should} {be back|work} {now|within a few minutes}; reference [ref].",
      "{I've|I have} {pushed|sent} a {refresh|reset} to the [thing] and {booked|scheduled} a follow-up check for [day]. {Reference|Your ticket} is [ref].",
    ],
    limit: [
      "I'm {not able|unable} to fix {that|this} {remotely|from here}; {it needs|you'll need} a technician, and the {first|earliest} {slot|appointment} is [days] days out.",
      "{Unfortunately|I'm afraid} {that|this} is {beyond|outside} what I {can|am able to} {do|troubleshoot} {on the phone|from my desk}.",
    ],
  }),
  outage: script({
    topic: ['the outage', 'the service being down', 'getting service back'],
    steps: [
      '{Let me check|I am checking} the {outage map|network status} for your area. {How long|Since when} has the [noun] been {down|out}?',
      '{I can see|There is} {a reported|an open} {outage|fault} {near you|in your area}. {Is anyone|Are your neighbors} {else|} {affected|also without service}{ that you know of|}?',
      '{Is there|Do you have} anyone {at home|in the household} who {relies on|needs} the [noun] for {medical|essential} {equipment|reasons}?',
    ],
    fix: [
      "{I've|I have} {flagged|marked} your [noun] as a priority; {crews|the crew} {expect|estimate} {restoration|service back} by [time] [day], and {I've|I have} {applied|added} a [amount] credit. Reference [ref].",
      "{The|A} {crew|technician} is {on site|on the way} {now|already}; {it should be|you should be} back by [time]. {I've|I have} {noted|logged} it as reference [ref].",
    ],
    limit: [
      "I'm {not able|unable} to {give|promise} {a restoration time|an exact time}; {the crews|the field team} {haven't|have not} {assessed|reported on} {it|the fault} {yet|so far}.",
      "{Unfortunately|I'm afraid} I {can't|cannot} {move|prioritize} your [noun] {ahead|up} {from here|myself}{, that is decided by the field team|}.",
    ],
  }),
};

export const ATTITUDE_OPENERS: Record<string, readonly string[]> = {
  friendly: [
    "{Oh, that's no good|Oh dear}{, [first]|}. {Let's see what we can do|We'll figure it out}.",
    '{Thanks for explaining|Thanks for walking me through it}{, [first]|}, {that really helps|that gives me a good picture}.',
    "{Oh, |}{I'm so glad you called|thanks for telling me}{, [first]|}.",
    "{Of course|Absolutely}{, [first]|}, {let's|we will} {sort this out|get this fixed} {together|today}.",
  ],
  positive: [
    "{Absolutely|Definitely}{, [first]|}, {that's something I can help with|we'll get that sorted}!",
    '{Love it|Perfect}{, [first]|}, {this should be quick|I know just where to look}!',
    '{Great|Okay great}{, [first]|}, {we can|I can} {definitely|} {help with|handle} {that|this}!',
    '{No problem at all|Happy to help}{, [first]|}!',
  ],
  empathetic: [
    "{That's a lot to deal with|What a hassle}{, [first]|}, {and I'm sorry it got this far|I'd be upset too}.",
    '{Thank you for your patience|I appreciate you bearing with this}{, [first]|}. {Let me help|I want to get this right for you}.',
    "{I'm really sorry|I'm so sorry} {you're dealing with|about} {this|that}{, [first]|}.",
    "{That sounds|I can imagine that's} {really|} {frustrating|stressful}{, [first]|}.",
  ],
  patient: [
    '{There is no hurry|We have time}{, [first]|}. {We will|I will} {sort it out|get to the bottom of it} {together|with you}.',
    '{Alright|Okay}{, [first]|}, {one thing at a time|let us go through it calmly}.',
    "{Take your time|No rush}{, [first]|}. {We'll|We will} {go through it|work through it} {step by step|together}.",
    "{I understand|Okay}{, [first]|}, {let's|we can} {take it|look at it} {one step at a time|slowly}.",
  ],
  professional: [
    '{Noted|Thank you for the detail}{, [first]|}. {I will|I can} {take a look|pull up the records} {for you|right away}.',
    '{I see|Understood}{, [first]|}. {That should be|This is} {straightforward to check|something I can review}.',
    '{Thank you|Thanks}{, [first]|}. {I understand|I see} {the issue|what happened}.',
    '{Understood|Certainly}{, [first]|}. I {will|can} {look into|review} that {for you|now}.',
  ],
  indifferent: [
    '{Mm|Yeah}, {alright|okay then}.',
    '{Right|Okay}, {sure|whatever works}.',
    '{Okay|Right}.',
    '{Sure|Mm-hm}, {okay|fine}.',
  ],
  bored: [
    '{Yeah|Mm}, {okay|sure}.',
    '{Uh, right|Okay, yep}.',
    '{Okay|Uh-huh}{, right|}.',
    '{Mm, okay|Alright then}.',
  ],
  nervous: [
    '{Oh|Um}, {okay|right}{, [first]|}, {let me just|I will just} {find it|look}.',
    '{Okay, uh|Right, um}, {sorry|one sec}, {I think I see it|I am new at this}.',
    '{Oh, um, okay|Okay, um}{, [first]|}. {Let me see|I think I can help with that}.',
    '{Right, uh|Okay, so}{, I think|} {we can|I can} {look at that|check that}.',
  ],
  chatty: [
    "{Oh, you would not believe|Honestly, what a week}{, [first]|}! {Anyway|But hey}, {let's sort you out|we'll fix you up}.",
    '{Ha, I had the same thing|My cousin had that exact problem}{, [first]|}! {Let me help|We can fix that}.',
    "{Oh, I hear that a lot|You are not the first today}{, [first]|}! {Anyway|So}, let's {get you sorted|have a look}.",
    "{Oh no|Goodness}{, [first]|}, {what a day you're having|that's no fun}! {Let's|We'll} fix it.",
  ],
  rushed: [
    '{Okay|Right}, {got it|noted}, {next|moving on}.',
    '{Sure|Fine}{, quickly then|, let us be fast}.',
    "{Okay|Right}, {quickly|let's be quick}.",
    "{Got it|Sure}{, let's move fast|}.",
  ],
  curt: ['{Understood|Okay}.', '{Got it|Fine}.', '{Fine|Okay}.', '{Right|Noted}.'],
};

export const AGENT_BEATS = {
  verify: [
    '[opener] {So I can {help|look at this} properly|To get started|Just so I have the right file}, [ask]?',
    '[opener] {Sure thing|No problem}, {let me|I will} {find|open} {you|your file} {first|quickly}. [ask]?',
    '[opener] {Alright|Okay}, {step one is {finding|pulling up}|first things first, let me {find|pull up}} {your [noun]|the right [noun]}: [ask]?',
    '[opener] {Before I {make any changes|look into it}, |First, |To {pull up|find} your [noun], }[ask]?',
    "[opener] {I'll need to|I need to|Let me} {verify|confirm} {the account|a couple of details} {first|before we start}. [ask]?",
  ],
  reverify: [
    "{Sorry|Apologies}, I {didn't|did not} {catch|get} {that|the number}{ clearly|}. {Could you|Can you} {repeat|read} it {again|slowly}?",
    "{I'm not finding|That didn't match} {anything|a record} {yet|with what I heard}. {Could you|Can you} {say|read} it {once more|again}{, slowly|}?",
  ],
  confirmed: [
    '{Thanks|Thank you}{, [first]|}, {that|it} {matches|lines up} {with what I have|with the file}{, ending [idtail]|}.',
    '{There you are|Found you|Got you}{, [first]|}. {The|Your} [noun] {is open|has come up} {on my screen|right here}.',
    '{Okay|Good}, {I have|I found} {the|your} [noun]{ ending in [idtail]|}{, thanks for that|}.',
    "{Thank you|Thanks}{, [first]|}. {I've got|I can see} your [noun] {here|on my screen}{, ending in [idtail]|}.",
    "{Great|Perfect}{, that matches|, you're verified}{, [first]|}. {I have|I've pulled up} the [noun]{ ending in [idtail]|}.",
    "{Okay|Alright}{, [first]|}, {that's|you are} {verified|confirmed}.",
  ],
  confirmedWithout: [
    "{I couldn't|I wasn't able to} {catch|match} {the number|that}, {but|so} {I found|I've found} {you|your [noun]} {by your phone number|by the number you're calling from}{, ending [phone4]|}.",
  ],
  hold: [
    '{Bear with me|One moment}{, [first]|}, {the system is|my screen is} {slow|loading} {today|right now}.',
    '{Give me|Allow me} {a moment|one moment} to {check|read} {the notes|what [staff] wrote}{, [first]|}.',
    '{Bear with me|Give me} {one moment|a moment} {while I check|while I look at} {that|the notes}{, [first]|}.',
    "{Let me|I'll} {check|look} {one thing|something} {with [staff]|in the system}{, one moment|, bear with me}.",
  ],
  rejected: [
    "{I hear you|I understand}{, [first]|}. {Let me|I'll} {see|check} {what else|if there's another way} I can {do|offer}.",
    "{Okay|Right}. {Let me|I'll} {try|look at} {another option|something else} for you.",
  ],
  anythingElse: [
    '{Before I let you go|While we are on the line}{, [first]|}, is there anything else {I can look at|you need from us}?',
    '{Anything else|Is there anything else} {I can help with|we should sort out} {today|while you have me}{, [first]|}?',
    '{Is there|Was there} anything else I can {help with|do for you} today{, [first]|}?',
    '{Anything|Is there anything} else {on your mind|you need} {today|while I have you}?',
  ],
  recap: ['{So, to recap|Just to recap|To sum up}: [recap] Your reference {number |}is [ref].'],
  /** Said when a caller demands a supervisor in the first exchanges: agents try once or twice before transferring. */
  deescalate: [
    "{I can arrange that|I can do that}. {Before I transfer you|So you don't have to repeat yourself}, {could you tell me|can I confirm} {what outcome you're hoping for|the main thing you need from us today}?",
    "{I hear you|I understand}, and {a supervisor can|I'll ask a supervisor to} {join|take over} {shortly|in a moment}. {May I|Let me} {note|add} {a quick summary|a few details} for them {first|before I do}: {is this|this is} about what you just {told me|described}, {right|correct}?",
    "{Absolutely|Of course}. {I'm getting|I'll bring in} {my supervisor|a supervisor}; {while I connect you|in the meantime}, {what's the best number to reach you|is there a number we can call you back on} {if we get cut off|should the line drop}?",
  ],
  transfer: [
    "{Alright|Okay}. {I'm going to|I will} {transfer you|put you through} to [staff]{ on my supervisor team|, a supervisor}; {I've added|I've put} {the details|my notes} {to the file|on your account}. {Please hold|Stay on the line}.",
    "{I understand|I hear you}{, [first]|}. {Let me|I'll} {connect you|transfer you} to {a supervisor|my supervisor} {now|right now}{; it may take a minute|, it should be quick}. {Please hold|Thanks for waiting}.",
    "{I understand|Okay, I hear you}. {I'm going to|Let me} {transfer you|put you through} to {my supervisor|a supervisor}, [staff], {who can|and they will} {review|look at} {it|this} {further|properly}. {Please hold|One moment}.",
    "{Of course|Sure}. {I'll|I will} {transfer|connect} you to {my supervisor|the escalations team} {now|right away}{; [staff] will pick up| with a note about everything we've covered}. {Please stay on the line|Thank you for holding}.",
  ],
  reprompt: [
    "{Sorry|I'm sorry}, {I didn't|I did not} {catch|hear} {that|anything}. {Are you still there|Could you say that again}{, [first]|}?",
    '{Hello|Hi}{, [first]|}? {I think the line|The line} {cut out|broke up} {for a second|there}. {Could you repeat that|Please go ahead}?',
    "{I missed|I didn't get} {that|the last part}{, the line is a bit noisy|}. {One more time|Could you repeat it}, please?",
  ],
  answerExtra: [
    "{Good question|Sure}. {Yes|Absolutely}, {that's covered|that's included} {too|as well}{, and it's in the email|}.",
    '{That|It} {will|should} {show up|be visible} in [app] {by [day]|within [days] days}.',
  ],
} as const;

export const DEMEANOR_OPENERS: Record<string, readonly string[]> = {
  calm: ['{Hi|Hello}{, thanks for picking up|}.', '{Hello|Good morning|Good afternoon}.'],
  friendly: [
    '{Hi there|Hey}{, how are you doing today|, thanks so much}!',
    '{Oh hi|Hello}{, lovely to get a real person|}!',
  ],
  polite: [
    '{Hello|Good afternoon}, {thank you for taking my call|thanks for your help}.',
    '{Hi|Hello}, {sorry to bother you|I hope you can help me}.',
  ],
  curious: [
    '{Hi|Hello}, {I have a question|I was wondering about something}.',
    "{Hi|Hey}, {quick question|I'm hoping you can explain something}.",
  ],
  businesslike: ['{Hello|Good morning}.', "{Hi|Hello}, {I'll be brief|let me get straight to it}."],
  anxious: [
    "{Hi|Hello}, {I'm sorry, I'm a bit stressed|I'm really worried about something}.",
    "{Oh, hi|Hello}, {thank goodness|I'm so glad} {someone answered|I got through}.",
  ],
  confused: [
    "{Um, hi|Hello}? {I'm not sure I called the right number|I hope this is the right place}.",
    "{Hi|Hello}, {I'm a bit confused|I don't quite understand something}.",
  ],
  skeptical: [
    "{Hello|Hi}. {I've called before|This is not my first call about this}.",
    "{Hi|Yeah, hi}. {Let's see if you can actually help|I hope this time it gets fixed}.",
  ],
  impatient: [
    "{Yeah, hi|Hi}, {I don't have much time|I need this fixed quickly}.",
    "{Finally|At last}{, a person|}. {I've been on hold forever|That took ages}.",
  ],
  frustrated: [
    "{Hi|Yeah, hello}. {I'm really fed up|This is the third time I'm calling}.",
    "{Hello|Hi}, {I'm pretty frustrated|I've had enough of this}, {honestly|to be honest}.",
  ],
  angry: [
    "{This is ridiculous|I'm absolutely furious}.",
    "{Yeah|Listen}, {I'm really angry|this is unacceptable}{, okay|}.",
  ],
};

export const CUSTOMER_BEATS = {
  introduce: [
    "[hello] {My name is [name]|This is [name]{ here|}|It's [name]{ here|}}. [issue]",
    "[hello] {I'm|This is} [name]. [issue]",
    "[hello] [issue] {Oh, and|By the way,} {my name is|it's} [name].",
  ],
  wish: ["{What I'm after is|What I need is|I'm hoping for|Ideally,} [wish]."],
  giveId: [
    "{Let me {find|grab} it|Hang on, it's on the [doc]}{... |. }{Okay, |Right, |}{the [idkind] is|my [idkind] is} [id].",
    '{Sure|Yes}, {I have it|I have the [idkind]} {right here|on my phone}: [idkind] [id]{, under [name]|}.',
    "{Um|Okay}, {I think the [idkind] is|the [idkind] should be} [id]{, if I'm reading it right|}.",
    "{Sure|Yes|Okay}{, it's|, the [idkind] is|. My [idkind] is} [id].",
    "{Yeah|Sure}, {hang on|one second}{... |. }{It's|The [idkind] is} [id].",
    '{Of course|Right}. [idkind-cap] [id]{, and the name is [name]|}.',
  ],
  givePhone: [
    "{I don't have|I can't find} {the number|it} {in front of me|right now}. {The phone number is|My number ends in} [phone4].",
    "{Sorry|Hmm}, {I don't have that|not sure where that is}. {You could|Can you} {use|look me up by} my email, [email]?",
  ],
  accept: {
    calm: [
      "{Okay|Alright|Right}, {that's|that is} {fair|reasonable|what I needed}{, thank you| then|}.",
      '{Good|Fine}{, I appreciate that|, thanks for explaining|}. {That|It} {works|should do}.',
      '{Sounds good|Works for me}{, thanks|, thank you}{ for looking into it| for doing that|}.',
      '{Okay|Alright}, {that works|that sounds good}. {Thank you|Thanks}.',
      '{Good|Great}, {thank you|thanks} {for sorting that|for that}.',
    ],
    warm: [
      "{Oh, |}{that's a relief|what a relief}{, thank you|! Thank you so much}.",
      '{Amazing|Lovely|Wonderful}{, you are a star|, thanks a million|, thank you}!',
      '{Oh good|Great news}{, that makes my day|, I was worried about that}.',
      "{Oh, that's wonderful|Perfect}{, thank you so much|, thanks}!",
      "{Great|Brilliant}, {I really appreciate it|you've been so helpful}.",
    ],
    tense: [
      '{Fine|Alright}. {About time|Finally}{, I guess|}.',
      "{Okay|Fine}, {I'll take it|I'll accept that}{, but I'm checking next week|, for now|}.",
      '{Well|Okay}, {that should have happened|that is what should have happened} {the first time|from the start}{, but fine|}.',
      '{Okay|Fine}. {That|It} {had better|should} {actually|} {show up|happen} this time.',
      "{Alright|Okay}, {I'll believe it when I see it|as long as it's in writing}{, but thanks|}.",
    ],
  },
  supervisor: {
    calm: [
      "{I understand|I see}{, but|. But} {that doesn't work for me|I need more than that}. {Is there a supervisor|Could a supervisor} {I could speak to|available}{, please|}?",
      '{Then|In that case} {I would like|I want} to {escalate this|take this to a supervisor}{, if that is possible|, please|}.',
      "{That's not|That isn't} {good enough|what I was told}, {I'm afraid|sorry}. {Could I|Can I} {speak|talk} to {a supervisor|your manager}{, please|}?",
    ],
    warm: [
      '{Oh dear|Oh no}. {Would a supervisor|Could your manager} {be able to|maybe} {help|do more}{, do you think|}?',
      "{Hmm|Oh}, {that's disappointing|I was hoping for more}. {Is there|Could there be} {someone|a supervisor} {above you|senior} {I could talk to|who could help}?",
    ],
    tense: [
      "{You're kidding|Unbelievable}. {I've|I have} {spent|wasted} {enough time|all morning} on this{ since [date]|}. {Supervisor|Your manager}, {now|please, now}.",
      '{That is|This is} {useless|not acceptable}{, honestly|}. {Escalate it|Get a supervisor on the line}{ right now|, today}.',
      "{No|Absolutely not}. {That's exactly|That is exactly} {what I was afraid of|why I called}. {Put me through to|Get me} {your supervisor|a manager}{, now|}.",
      "{I'm done|Enough} {going in circles|with this}. {I want|I need} to {speak|talk} {to|with} {a supervisor|your manager} {right now|immediately}.",
    ],
  },
  acceptLimit: {
    calm: [
      "{Okay|Alright|I see}, {I understand|that's a shame}. {So what can you do|What are my options}{ then|}?",
      '{Hmm|Right}, {I was afraid of that|I thought so}. {Is there anything else|What else} {you can do|we can try}?',
    ],
    warm: [
      "{Oh|Oh dear}, {that's a pity|I was hoping for more}. {Is there anything|What else} you can do{, then|}?",
    ],
    tense: [
      '{Seriously|Really}? {So what now|Then what can you actually do}?',
      "{That's not what I wanted to hear|Not what I wanted}. {What are you going to do about it|So what happens now}?",
    ],
  },
  abandon: {
    calm: [
      "{Okay|Alright}, {this isn't going anywhere|I don't think this will work}. {I'll try|I'll call} {another time|later}. {Goodbye|Bye}.",
    ],
    warm: [
      "{Never mind|Forget it}, {I'll sort it out|I'll figure it out} {myself|some other way}. {Bye|Thanks anyway}.",
    ],
    tense: [
      "{Forget it|You know what, forget it}. {This is a waste of my time|I've wasted enough time}{, I'm hanging up|}. {Goodbye|Bye}.",
      "{I can't|I cannot} {believe|deal with} this. {I'm done|I'm hanging up}{, I'll take my business elsewhere|}.",
    ],
  },
  impatient: [
    '{How much longer|How long} {is this going to take|will this be}?',
    "{Can we|Could we} {speed this up|hurry up}{, please|}? {I have|I've got} {a meeting|somewhere to be} {in ten minutes|soon}.",
    "{Seriously|Honestly}, {I've|I have} {told you|explained} {this|all this} {already|before}.",
  ],
  worry: [
    '{Is this|Is it} going to {cost me|affect} anything{ else|}?',
    '{Will this|Will it} {cost me|affect} anything{ else|}?',
    "{I'm just|I'm} {worried|nervous} {this|it} {won't get fixed|will happen again}.",
  ],
  nothingElse: [
    "{Nope|No}, {that's it|that's everything}{, you've been great| for now|}{, thanks [agent]|}.",
    '{I think|I believe} {that covers it|that is all}{, thank you| for today}{. Have a good {day|evening}|}.',
    '{No, thanks|Nothing else}{, that was the main thing| for today|}. {Take care|Thanks again}{, [agent]|}.',
    "{No|Nope}, {that's all|that's everything}{ for today|}. {Thanks|Thank you}{ again|}{, [agent]|}.",
    "{No, I think|I think} {that covers it|that's it}. {Thank you|Thanks} {so much|for your help}.",
    "{That's all|Nothing else}, {thanks|thank you}. {Could you|Can you} {just|} {email|send} me the reference{, please|}?",
  ],
  holdOk: [
    "{Sure|Okay}, {I'll wait|I'll hold}.",
    '{Okay|Fine}{, go ahead|, no problem}.',
    "{No rush|Take your time}{, I'm not going anywhere|, I'm here}.",
    '{Sure|Mm-hm}{, I will be here|, still here}.',
  ],
  unclear: [
    "{Sorry|Pardon}, {I didn't catch that|could you say that again}?",
    '{Hello|Hi}? {You cut out|The line broke up} {there|for a second}. {What was that|Could you repeat that}?',
    "{I'm sorry|Sorry}, {what did you say|I missed that}?",
  ],
  acknowledgeTransfer: ['{Fine|Okay|Thank you}.'],
} as const;

export const STAFF_FIRST = [
  'Maya',
  'Jordan',
  'Priya',
  'Luis',
  'Keiko',
  'Omar',
  'Grace',
  'Tomas',
  'Aisha',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Felix',
  'Hana',
  'Isaac',
  'Jasmine',
  'Kofi',
  'Lena',
  'Marco',
  'Nadia',
  'Oscar',
  'Rosa',
  'Sam',
  'Tara',
  'Victor',
];
export const STAFF_LAST = [
  'Brooks',
  'Chen',
  'Diaz',
  'Evans',
  'Foster',
  'Garcia',
  'Hughes',
  'Ito',
  'Jensen',
  'Khan',
  'Lopez',
  'Moreau',
  'Novak',
  'Okafor',
  'Patel',
  'Quinn',
  'Reyes',
  'Silva',
  'Turner',
  'Udall',
  'Vance',
  'Walsh',
  'Young',
  'Zhou',
];
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** The month names, one list with the recogniser's spoken form (dates said and written back). */
export { MONTHS } from '@synthcall/spoken-form';

/**
 * A table's entry for a call: the one for its variant of the category ("cancellation:travel", "technical_support:
 * voicemail"), else the category's own. One key format for the scripts, the caller's details and the findings.
 */
export function variantEntry<T>(
  byVariant: Readonly<Record<string, T>>,
  byCategory: Readonly<Record<string, T>>,
  category: string,
  variant: string,
): T | undefined {
  return byVariant[`${category}:${variant}`] ?? byCategory[category];
}

/**
 * A category's script for a business it does not fit as written ("category:industry"), looked up before
 * CATEGORY_SCRIPTS: a bank's product question is about rates and terms, not a model number in a warehouse.
 */
export const CATEGORY_SCRIPTS_IN: Record<string, CategoryScript> = {
  'technical_support:voicemail': script({
    topic: ['your voicemail', 'setting up voicemail', 'the voicemail'],
    answers: {
      low: [
        "{Um, |Oh, |}{okay|alright}, {I'm holding it|I pressed it}{... |. }{It says something about a password|It's ringing, I think}{, what now|}?",
        "{I don't really know|I'm not sure} {which key|what} you mean{, sorry|}. {My [rel] usually does this|The screen went dark}.",
      ],
      medium: [
        '{Okay|Alright}, {done|I did that}. {It asks for|It wants} a {password|PIN}{ now|}.',
        '{It played|I heard} {a recording|the welcome message}{ and then hung up|}.',
      ],
      high: [
        '{Done|Did that}. {It says the mailbox is not set up|It rejects the default PIN}{, same as before|}.',
      ],
    },
    steps: [
      "{Let's|Let us} set it up together. {Could you|Can you} {press and hold|hold down} the {1|one} key{ until it calls voicemail|}?",
      '{Okay|Good}. {Does it ask|Is it asking} for a PIN{ now|}? {The|A} {temporary|default} PIN is in the welcome text we sent.',
      '{Now|Next}, {could you|can you} {record|say} a {short|simple} greeting{ after the tone|} and press {pound|the hash key}?',
    ],
    fix: [
      '{Voicemail is|Your voicemail is} {set up|active} {now|on the line}{, greeting and all|}; {callers will|people will} {hear your greeting|be able to leave messages}. Reference [ref].',
      "{I've|I have} {reset|activated} {the mailbox|voicemail} {from here|on my end} and {texted|sent} you the steps{ for the greeting|}. Reference [ref].",
    ],
    limit: [
      "I'm {not able|unable} to {reset|activate} {the mailbox|voicemail} {from here|on my end}; {a technician|the network team} {has to|must} {re-provision|reset} it, {which takes|about} [days] days.",
      "{Unfortunately|I'm afraid} {the mailbox|voicemail} {can't|cannot} be {reset|set up} {over the phone|from my desk} {today|right now}.",
    ],
  }),
  'technical_support:roaming': script({
    topic: ['your service abroad', 'the roaming problem', 'the day pass'],
    answers: {
      low: [
        '{Oh, |Um, |}{okay|alright}{, hang on|}. {I think I did it|I turned the airplane on and off}{, it still says No Service|}.',
      ],
      medium: [
        '{Okay|Done}. {Roaming is on|Data roaming is switched on}, and it {still shows|says} {No Service|SOS only}.',
      ],
      high: [
        '{Done|Already did that}. {Manual selection|Picking a network by hand} {shows|lists} [count] networks, {and each one rejects the SIM|but all of them refuse the SIM}.',
      ],
    },
    steps: [
      "{Let's|Let us} {start simple|try the quick fix}. {Could you|Can you} turn airplane mode on for {ten seconds|a moment}, then off again?",
      '{Okay|Thanks}. {Is|Is data} roaming {switched on|turned on} {in your settings|under mobile data}?',
      '{Now|Next}, {could you|can you} {choose the network|pick a network} {by hand|manually} in the settings and {tell me|read me} {which ones|what} you see?',
    ],
    fix: [
      "{I found|There was} {a block|a roaming bar} on {the line|your line} {from the day pass|that the pass did not lift} and {I've|I have} {removed|cleared} it. {Restart|Turn off} the phone{ and on again|}; reference [ref].",
      "{I've|I have} {re-sent|pushed} the {roaming settings|network profile} to {your phone|the SIM}{, it should connect in a few minutes|}. Reference [ref].",
    ],
    limit: [
      "I'm {not able|unable} to {fix|change} {the roaming|that} {from here|myself}; {our partner network|the network team} {has to|must} {look at|check} it, {usually|about} [days] days.",
      "{Unfortunately|I'm afraid} I {can't|cannot} {refund|credit} the day pass {myself|from here}{, it needs a review|}.",
    ],
  }),
  'technical_support:app': script({
    topic: ['the app problem', 'the enrollment', 'your enrollment'],
    answers: {
      low: [
        '{Um, |Oh, |}I {typed|put} it in the way it is on the bill{, I think|}. {It still says invalid|Same message}.',
      ],
      medium: [
        '{Okay|Alright}, {without the dash|with just the digits} it {still says invalid|says the account was not found}.',
      ],
      high: [
        '{Already tried|Did that}: {with and without the dash|digits only}, the latest app version, {same error|still invalid}.',
      ],
    },
    steps: [
      '{Let me|I will} check how the number {should be|must be} entered. {Are you typing|Did you type} it with the letters and the dash?',
      '{Okay|Thanks}. {Which|What} {version of the app|app version} {do you have|is it}{, and is it up to date|}?',
      '{Could you|Can you} {try|enter} {it|the number} {without the dash|with just the digits} {and tell me|and let me know} what it says?',
    ],
    fix: [
      "{I've|I have} {enrolled you|signed you up} {from my end|here}{, the app will show it tomorrow|}; the rebate {applies|starts} {from [when]|next cycle}. Reference [ref].",
      "{There was|I found} {a mismatch|a formatting problem} {on our side|in our records}{ with your account number|} and {I've|I have} {fixed|corrected} it. {Try again|It should work} {now|in a few minutes}; reference [ref].",
    ],
    limit: [
      "I'm {not able|unable} to {enroll you|do the enrollment} {from here|myself}; {the program team|the rebate team} {has to|must} {approve|check} the {thermostat|device} first, {about|usually} [days] days.",
      "{Unfortunately|I'm afraid} {that model|your thermostat} {isn't|is not} {on the approved list|eligible} {yet|for the program}.",
    ],
  }),
  'plan_change:utilities': script({
    topic: ['the billing change', 'budget billing', 'your billing plan'],
    steps: [
      '{Sure|Okay}. {Are you on|Is the [noun] on} {standard billing|the regular monthly billing} {now|today}{, with paper bills|}?',
      '{And|Okay,} {would you like|do you want} {paperless billing|your bills by email} {as well|too}?',
      '{When|What month} {would you like budget billing to start|should budget billing start}?',
    ],
    fix: [
      "{Done|All set}: {you're|you are} on budget billing from [when], [amount] a month, {and paperless is on|with bills by email}. Reference [ref].",
      "{I have|I've} {enrolled you in|set up} budget billing at [amount] a month {from [when]|starting next cycle}{, and switched you to paperless|}. Reference [ref].",
    ],
    limit: [
      "{Unfortunately|I'm afraid} budget billing {needs|requires} {a year of history at this address|the account to be current} {first|before I can set it up}.",
      "I'm {not able|unable} to {enroll|set up} budget billing {from here|myself} {while|because} the account has a balance.",
    ],
  }),
  'plan_change:insurance': script({
    topic: ['the policy change', 'adding the driver', 'your policy'],
    steps: [
      '{Sure|Of course}. {Who are we adding|Who should I add}, and {how old are they|what is their date of birth}?',
      '{And|Okay,} {which|what} {vehicle|car} will {they|the new driver} {drive|mostly drive}?',
      '{When|What date} {should the change take effect|would you like the change to start}?',
    ],
    fix: [
      "{Done|All set}: {the new driver is on the policy|I've added the new driver} from [when]{, on the [car]|}; {the updated declarations page goes|the updated policy documents go} out today. Reference [ref].",
      "{I've|I have} {added|listed} the new driver {from [when]|as of today}{, and applied the good-student discount|}. {You'll|You will} {get|receive} the new premium by email. Reference [ref].",
    ],
    limit: [
      "I'm {not able|unable} to add a {new|teen} driver {from here|myself}; {it needs|that needs} {an underwriter|underwriting review} {first|before it takes effect}.",
      "{Unfortunately|I'm afraid} I {can't|cannot} {change|update} the policy {today|over the phone} {without|until I have} {the license number|a copy of the license}.",
    ],
  }),
  'product_inquiry:banking': script({
    topic: ['your question', 'the rates question', 'what you wanted to know'],
    steps: [
      '{Happy to help|Good question}. {Which|What} {account|product} {is it about|are you asking about}{, the certificate or the savings|}?',
      '{And|Okay,} {when does it mature|when would you need the money}{, roughly|}?',
      '{Do you|Would you} {want|like} me to {compare|go through} the {renewal|other} options{ with you|}?',
    ],
    fix: [
      "{Here's|So} {the short answer|what I can tell you}: {the renewal rate|today's rate} {is|comes to} [rate]{ for twelve months|}, and {I've|I have} {emailed|sent} you the {details|rate sheet}, reference [ref].",
      "{Yes|Good news}, {you can|it's possible to} {take the money out early|withdraw early}; the penalty {is|would be} {three months'|ninety days'} interest. {I've|I have} sent {the details|a summary}, reference [ref].",
    ],
    limit: [
      "{Honestly|To be honest}, I {don't|do not} have {the rates|that detail} {in front of me|on my screen}{, and I can't quote it|}.",
      "I'm {not able|unable} to {quote|promise} {a rate|that}{ from here|}; {it needs|that needs} {the deposits team|a specialist}.",
    ],
  }),
  'product_inquiry:healthcare_billing': script({
    topic: ['your question', 'the estimate', 'what you wanted to know'],
    steps: [
      '{Happy to help|Good question}. {Which|What} {procedure|service} {is it for|are you asking about}{, and where is it scheduled|}?',
      '{And|Okay,} {who is your insurer|what insurance do you have}{, and is the surgeon in network|}?',
      '{Do you|Would you} {want|like} {a written estimate|me to send the estimate}{ by email|}?',
    ],
    fix: [
      "{Here's|So} {the estimate|what I have}: {about|roughly} [money] {before insurance|in total}, and {I've|I have} {emailed|sent} you the {good-faith estimate|details}, reference [ref].",
      "{Your plan|Your insurance} {should cover|covers} most of it; {your share|what you'd pay} {comes to|is} {about|roughly} [amount]. {I've|I have} {emailed|sent} the estimate, reference [ref].",
    ],
    limit: [
      "{Honestly|To be honest}, I {can't|cannot} {give|quote} {a number|an estimate} {until|before} {the surgeon's office|your doctor} sends the {codes|procedure codes}.",
      "I'm {not able|unable} to {confirm|promise} {coverage|what insurance pays}{ from here|}; {that needs|it needs} {your insurer|a pre-authorization}.",
    ],
  }),
};

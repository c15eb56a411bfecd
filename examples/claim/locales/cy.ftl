# The claim's own words in Welsh. The English stays in the declarations
# (app.rs); each message here is keyed by step and field, as the crate's
# `catalogue` module describes. The crate's own words (buttons, the error
# summary, dates, problem pages) come with it in `Texts::WELSH`.

## Eligibility

eligibility = Ydych chi'n cael eich cyflogi gennym ni?
eligibility-employee = Ydych chi'n cael eich cyflogi gennym ni?
    .subject = a ydych chi'n cael eich cyflogi gennym ni
    .option-yes = Ydw
    .option-no = Nac ydw
    .message-required = Dewiswch 'Ydw' os ydych chi'n cael eich cyflogi gennym ni

not-eligible = Ni allwch ddefnyddio'r gwasanaeth hwn
    .body =
        Dim ond os ydych chi'n cael eich cyflogi gennym ni y gallwch hawlio treuliau drwy'r gwasanaeth hwn.

        Os ydych chi'n gweithio i ni drwy asiantaeth, gofynnwch i'ch asiantaeth sut i hawlio.

## Your details

claimant = Eich manylion
claimant-full_name = Enw llawn
    .message-length = Rhowch eich enw llawn, mewn 100 nod neu lai
claimant-email = Cyfeiriad e-bost
    .message-length = Rhowch eich cyfeiriad e-bost
    .message-email = Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com
claimant-contact = Sut ddylem ni gysylltu â chi?
    .subject = sut y dylem gysylltu â chi
    .option-email = E-bost
    .option-phone = Ffôn
    .message-required = Dewiswch sut y dylem gysylltu â chi
claimant-phone = Rhif ffôn
    .hint = Er enghraifft, 01632 960 001 neu +44 7700 900 982
    .message-required = Rhowch rif ffôn, gan eich bod wedi dewis ffôn
    .message-phone = Rhowch rif ffôn yn y DU, fel 01632 960 001 neu +44 7700 900 982

## Expenses

expenses = Eich treuliau
    .noun = Traul
expenses-add_another = Oes angen i chi ychwanegu traul arall?

expense = Ychwanegu traul
expense-date = Dyddiad y draul
    .hint = Er enghraifft, 27 3 2026
    .message-required = Rhowch ddyddiad y draul
expense-category = Ar gyfer beth oedd hi?
    .subject = ar gyfer beth oedd y draul
    .option-travel = Teithio
    .option-meals = Prydau bwyd
    .option-accommodation = Llety
    .option-other = Arall
    .message-required = Dewiswch ar gyfer beth oedd y draul
expense-description = Disgrifiad
    .hint = Er enghraifft, tacsi i'r maes awyr
    .message-length = Rhowch ddisgrifiad, mewn 200 nod neu lai
expense-amount = Swm, mewn punnoedd
    .message-required = Rhowch y swm
    .message-amount = Rhowch swm sy'n fwy na £0 a dim mwy na £5,000.00

journey = Eich taith
journey-from = O
    .message-length = Rhowch ble dechreuodd y daith, mewn 100 nod neu lai
journey-to = I
    .message-length = Rhowch ble daeth y daith i ben, mewn 100 nod neu lai
journey-miles = Milltiroedd a deithiwyd
    .message-required = Rhowch y milltiroedd a deithiwyd
    .message-range = Rhowch y milltiroedd fel rhif cyfan o 1 i 1000

receipt = Uwchlwytho derbynneb
receipt-receipt = Derbynneb
    .subject = derbynneb
    .hint = PDF, JPG neu PNG, llai na 10 MB. Mae angen un arnoch ar gyfer traul dros £25.
    .message-needed = Dewiswch dderbynneb ar gyfer traul dros £25
receipt-notes = Nodiadau am y dderbynneb
    .subject = y nodiadau

## Bank details

bank = Manylion banc
bank-account_name = Enw ar y cyfrif
    .message-length = Rhowch yr enw ar y cyfrif, mewn 100 nod neu lai
bank-sort_code = Cod didoli
    .hint = Rhaid iddo fod yn 6 digid
    .message-sort_code = Rhowch god didoli dilys fel 30-94-36
bank-account_number = Rhif cyfrif
    .hint = Rhaid iddo fod rhwng 6 ac 8 digid
    .message-account_number = Rhowch rif cyfrif dilys fel 00733445

## Check your answers

check = Gwiriwch eich atebion cyn anfon eich hawliad
    .button = Derbyn ac anfon
check-declaration = Datganiad
    .checkbox = Rwy'n cadarnhau bod yr wybodaeth yn gywir
    .message-required = Cadarnhewch fod yr wybodaeth yn gywir

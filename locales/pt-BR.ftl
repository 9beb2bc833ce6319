# Catálogo do Lakegate em português do Brasil. Os termos seguem a documentação do Databricks
# em português (o guia em ../shared/seed): escopos, entidade de serviço, token de acesso,
# espaço de trabalho, autorização do usuário; CAN USE e CAN MANAGE ficam como no produto.
language-name = Português (Brasil)
product-name = Lakegate

# Texto sem mensagem própria: um erro escrito por uma camada de baixo, as palavras de um servidor.
plain = { $text }

## O Doctor: nomes das verificações

doctor-check-url = Formato da URL
doctor-check-dns = DNS
doctor-check-tcp = Conexão TCP
doctor-check-tls = TLS
doctor-check-proxy = Proxy
doctor-check-oauth = OAuth do espaço de trabalho
doctor-check-token = Token
doctor-check-identity = Identidade
doctor-check-app = Aplicativo
doctor-check-permission = Permissão
doctor-check-scopes = Escopos
doctor-check-endpoint = Endpoint
doctor-check-request = Solicitação

## O Doctor: por que uma verificação foi pulada

doctor-skip-no-connection = nenhuma conexão foi escolhida
doctor-skip-no-token = não há token
doctor-skip-no-app-or-identity = o aplicativo ou a identidade não é conhecido
doctor-skip-no-app-or-token = o aplicativo ou o token não é conhecido
doctor-skip-app-not-running = o aplicativo não está acessível e em execução
doctor-skip-not-safe = { $method } não é seguro de repetir, então o Doctor não o envia; envie-o pelo construtor de solicitações e rode o Doctor sobre a resposta
doctor-skip-network-failed = as verificações de rede falharam
doctor-skip-network-earlier = uma verificação de rede anterior falhou

## O Doctor: a URL

doctor-url-not-full = "{ $url }" não é uma URL completa
doctor-url-not-full-meaning = O Lakegate não consegue saber para onde enviar a solicitação.
doctor-url-not-full-next = Cole a URL do aplicativo como a API de Apps a fornece (o campo url), seguida do caminho do endpoint, por exemplo https://<app>-<workspace-id>.<region>.databricksapps.com/api/hello.
doctor-url-scheme = Ela usa { $scheme }.
doctor-url-scheme-meaning = Os Databricks Apps são servidos somente por https.
doctor-url-scheme-next = Use https://.
doctor-url-host = { $host } não é um host de Databricks Apps (…databricksapps.com).
doctor-url-host-meaning = Os aplicativos ficam em https://<app>-<workspace-id>.<region>.databricksapps.com; esta pode ser a URL de um espaço de trabalho.
doctor-url-host-next = Copie a URL do aplicativo da lista de aplicativos (o campo url).
doctor-url-path = O caminho { $path } está fora de /api/.
doctor-url-path-meaning = Os aplicativos aceitam tokens Bearer somente em rotas /api/; os outros caminhos mandam quem chama para um login no navegador.
doctor-url-path-next = Chame uma rota sob /api/.
doctor-url-pass = https, um host de Apps, um caminho /api/ ({ $path })
doctor-url-pass-meaning = O endereço tem o formato com que os tokens funcionam.

## O Doctor: a rede

doctor-dns-pass = { $host } é resolvido ({ $address })
doctor-dns-resolves = { $host } é resolvido
doctor-dns-pass-meaning = O nome é conhecido.
doctor-dns-fail = { $host } não é resolvido: { $reason }
doctor-dns-fail-invalid = O nome não pode existir (.invalid é reservado).
doctor-dns-fail-meaning = O DNS deste computador não conhece o nome: um erro de digitação, um ID de espaço de trabalho errado ou um DNS que não conhece *.databricksapps.com.
doctor-dns-fail-next = Confira o nome do aplicativo e o ID do espaço de trabalho na URL; verifique se *.databricksapps.com é resolvido nesta rede (VPN, DNS da empresa).
doctor-tcp-pass = conectado em { $ms } ms
doctor-tcp-connected = conectado
doctor-tcp-pass-meaning = Conexões HTTPS de saída são permitidas.
doctor-tcp-fail = não foi possível conectar a { $address }: { $reason }
doctor-tcp-fail-meaning = Nada responde nesse endereço, ou um firewall bloqueia HTTPS de saída (porta 443).
doctor-tcp-fail-next = Verifique se HTTPS de saída para *.databricksapps.com é permitido nesta rede; se a sua empresa exige um proxy, configure-o em Configurações → Rede.
doctor-tcp-timeout = nenhuma resposta em { $seconds } s durante { $phase }
doctor-tcp-timeout-meaning = Os pacotes se perdem no caminho: um firewall ou um proxy que falta.
doctor-network-next = Confira o caminho de rede e as configurações de proxy.
doctor-tls-pass = certificado confiável, handshake em { $ms } ms
doctor-tls-pass-meaning = A conexão é privada e o servidor é quem diz ser.
doctor-tls-untrusted = o certificado não é confiável ({ $reason })
doctor-tls-untrusted-meaning = O certificado foi emitido por uma CA em que este computador não confia — em geral, um proxy da empresa que inspeciona HTTPS.
doctor-tls-untrusted-next = Adicione o pacote de CAs da sua empresa (PEM) à conexão ou em Configurações → Rede (ele se soma às raízes do sistema), ou defina SSL_CERT_FILE (que o Lakegate também soma a elas).
doctor-tls-fail-meaning = Não foi possível estabelecer a conexão segura.
doctor-proxy-direct = sem proxy (direto)
doctor-proxy-through = por { $proxy }
doctor-proxy-pass-meaning = O caminho até o aplicativo funciona.
doctor-proxy-refused = o proxy { $proxy } não aceitou a conexão
doctor-proxy-refused-next = Confira o endereço do proxy em Configurações → Rede ou em HTTPS_PROXY.
doctor-proxy-direct-meaning = Se a sua rede só permite tráfego por um proxy, as chamadas falham assim.
doctor-proxy-direct-next = Configure o proxy em Configurações → Rede ou em HTTPS_PROXY, se a sua empresa usa um.
doctor-proxy-fail-meaning = O proxy { $proxy } não quis abrir um túnel até o aplicativo.
doctor-proxy-fail-next = Informe o usuário e a senha do proxy (http://usuario:senha@host:porta) ou peça à TI que libere *.databricksapps.com; um proxy digitado em Configurações → Rede é alterado ou limpo lá.

## O Doctor: OAuth, o token, a identidade

doctor-oauth-client = O Lakegate não conseguiu preparar o seu cliente HTTPS.
doctor-oauth-client-next = Confira o pacote de CAs da conexão e as configurações de rede.
doctor-oauth-pass = { $host } publica os seus endpoints OAuth (emissor { $issuer })
doctor-oauth-pass-meaning = É possível obter tokens deste espaço de trabalho.
doctor-oauth-fail-meaning = Sem os endpoints OAuth do espaço de trabalho, nenhum token pode ser obtido.
doctor-oauth-fail-next = Confira a URL do espaço de trabalho da conexão (como na barra de endereços do navegador) e o caminho de rede até ela.
doctor-oauth-not-used = { $kind } não usa a descoberta OAuth
doctor-token-sign-in-again = Faça login em { $connection } de novo (na janela, ou com `lakegate login { $connection }`).
doctor-token-grant-next = Confira o ID do cliente e o segredo, e os escopos que o segredo permite.
doctor-token-cli-next = Execute `databricks auth login --profile …` para { $connection } ou atualize a CLI do Databricks.
doctor-token-other-next = Corrija o que a mensagem aponta e rode o Doctor de novo.
doctor-token-none-meaning = Nenhum token válido: toda chamada será recusada com 401.
doctor-token-expired = o token expirou há { $seconds } s
doctor-token-expired-meaning = Um token expirado é recusado com 401.
doctor-token-expired-next = Obtenha um token novo: faça login em { $connection } de novo ou, para um token colado, execute `databricks auth token` de novo.
doctor-token-issuer = emitido por { $issuer }, não por { $host }
doctor-token-issuer-meaning = Um token de outro espaço de trabalho é recusado.
doctor-token-issuer-next = Use uma conexão com o espaço de trabalho do próprio aplicativo.
doctor-token-pass = válido por mais { $minutes } { $minutes ->
        [one] minuto
       *[other] minutos
    }, escopos: { $scopes }
doctor-token-pass-meaning = O token está em dia.
doctor-token-no-expiry = um token sem expiração
doctor-token-pat = um token de acesso pessoal (não um JWT OAuth)
doctor-token-pat-meaning = Os Databricks Apps recusam tokens de acesso pessoal: respondem com um redirecionamento para o login.
doctor-token-pat-next = Use uma conexão OAuth: faça login como usuário ou como entidade de serviço.
doctor-token-opaque = um token opaco (não um JWT)
doctor-token-opaque-meaning = O conteúdo dele não pode ser conferido aqui.
doctor-identity-pass = o token fala por { $identity }
doctor-identity-pass-meaning = O espaço de trabalho aceita o token.
doctor-identity-fail-meaning = O espaço de trabalho não aceita este token nas suas próprias APIs.
doctor-identity-fail-next = Faça login em { $connection } de novo; verifique se os escopos do token incluem all-apis.

## O Doctor: o aplicativo, a permissão e os escopos

doctor-app-none = nenhum aplicativo de { $host } responde em { $origin }
doctor-app-none-meaning = O nome do aplicativo ou o ID do espaço de trabalho na URL está errado, ou o aplicativo está em outro espaço de trabalho (404).
doctor-app-none-next = Escolha o aplicativo na lista e use a url dele (aplicativos aqui: { $count ->
        [0] nenhum
       *[other] { $apps }
    }).
doctor-app-running = { $app } está RUNNING, computação ACTIVE, última implantação { $deployment }
doctor-app-running-meaning = O aplicativo está no ar.
doctor-app-deploying-next = Uma implantação não terminou: chame de novo quando ela tiver sido concluída.
doctor-app-deploying-wait = Espere a implantação terminar (o aplicativo passa a STARTING e depois a RUNNING) e chame de novo.
doctor-app-crashed-next = Veja os logs do aplicativo no espaço de trabalho; alguém com CAN MANAGE precisa corrigi-lo e implantá-lo de novo.
doctor-app-crashed-next-creator = Veja os logs do aplicativo no espaço de trabalho; alguém com CAN MANAGE (quem o criou: { $creator }) precisa corrigi-lo e implantá-lo de novo.
doctor-app-stopped-next = Inicie o aplicativo no espaço de trabalho (Compute → Apps → Start); isso exige CAN MANAGE nele.
doctor-app-stopped-next-creator = Inicie o aplicativo no espaço de trabalho (Compute → Apps → Start); isso exige CAN MANAGE nele (quem o criou: { $creator }).
doctor-app-down = { $app } está { $state } ({ $message }), computação { $compute } ({ $compute_message })
doctor-app-down-meaning = O aplicativo não está em execução: as solicitações falham antes de chegar a ele.
doctor-app-unknown-meaning = Não foi possível ler a lista de aplicativos com este token.
doctor-app-unknown-next = Use uma conexão cujo token tenha o escopo all-apis.
doctor-permission-pass = { $identity } tem { $levels } em { $app }
doctor-permission-pass-meaning = O uso do aplicativo é permitido.
doctor-permission-fail = { $identity } não tem CAN USE em { $app }
doctor-permission-fail-meaning = O proxy dos Apps responde 403 a quem não tem CAN USE.
doctor-permission-fail-next = Peça a uma destas entidades que conceda CAN USE a você: { $managers }.
doctor-permission-unreadable = { $identity } não pode ler as permissões de { $app } (só quem o gerencia pode)
doctor-permission-unreadable-meaning = Daqui não dá para ver se você tem CAN USE.
doctor-permission-unreadable-next = Peça a quem gerencia o aplicativo que confirme que você, { $identity }, tem CAN USE em { $app }.
doctor-permission-unreadable-next-creator = Peça a quem gerencia o aplicativo, por exemplo quem o criou ({ $creator }), que confirme que você, { $identity }, tem CAN USE em { $app }.
doctor-permission-error-meaning = Não foi possível ler as permissões do aplicativo.
doctor-permission-error-next = Tente de novo; se continuar, fale com quem gerencia o aplicativo.
doctor-scopes-none-asked = { $app } não pede escopos de autorização do usuário
doctor-scopes-none-asked-meaning = Qualquer token que possa usar o aplicativo funciona.
doctor-scopes-pass = o token tem { $scopes }
doctor-scopes-pass-meaning = Todos os escopos de que o aplicativo precisa foram concedidos.
doctor-scopes-fail = { $app } precisa de { $missing }; o token tem { $count ->
        [0] nenhum
       *[other] { $granted }
    }
doctor-scopes-sp-meaning = Este token é de uma entidade de serviço. O Databricks documenta os escopos de autorização do usuário para os tokens de pessoas que fazem login; se um aplicativo também exige esses escopos do token de uma entidade de serviço não está registrado (desconhecido). Se a requisição for recusada com "does not have required scopes", eles são o motivo.
doctor-scopes-sp-next = Se a requisição for recusada pelos escopos, dê esses escopos à conexão ({ $scopes }): o token de credenciais de cliente dela passa a pedi-los.
doctor-scopes-fail-meaning = Aplicativos com autorização do usuário recusam tokens sem os seus escopos (403, às vezes 401); all-apis não basta.
doctor-scopes-fail-next = Faça login com estes escopos: { $scopes } (a matriz de escopos faz isso com um clique).

## O Doctor: o endpoint e a solicitação

doctor-endpoint-refused-meaning = O documento OpenAPI do aplicativo só pode ser lido com o token, que não vai para este host.
doctor-endpoint-refused-next = Confira se a URL é a do próprio aplicativo (o campo url na lista de aplicativos).
doctor-endpoint-pass = { $method } { $path } está no documento OpenAPI do aplicativo
doctor-endpoint-pass-meaning = A rota existe.
doctor-endpoint-method = { $path } aceita { $methods }, não { $method }
doctor-endpoint-method-meaning = O aplicativo responde 405 aos outros métodos.
doctor-endpoint-method-next = Use { $methods }.
doctor-endpoint-undocumented = { $path } não está documentado no documento OpenAPI do aplicativo ({ $document })
doctor-endpoint-undocumented-meaning = O documento do aplicativo não lista este caminho; a verificação Solicitação mostra se o aplicativo o responde.
doctor-endpoint-undocumented-next = Se a solicitação responder 404, use um dos endpoints dele: { $endpoints }.
doctor-endpoint-no-document = o aplicativo não serve um documento OpenAPI legível
doctor-endpoint-no-document-meaning = Não dá para saber se o caminho existe antes de chamá-lo.
doctor-endpoint-no-document-next = Confira o caminho no código ou na documentação do aplicativo.
doctor-request-answer = { $status } { $reason } em { $ms } ms
doctor-request-answer-body = { $status } { $reason } em { $ms } ms: { $body }
doctor-request-no-answer-meaning = A solicitação não recebeu resposta.
doctor-request-no-answer-next = Veja as verificações de rede acima.
doctor-request-refused-meaning = O Lakegate envia o token de uma conexão somente por https para o espaço de trabalho dela, os aplicativos dele e os hosts digitados na lista de confiança.
doctor-request-refused-next = Use a URL do próprio aplicativo (o campo url na lista de aplicativos).
doctor-request-2xx = O aplicativo respondeu.
doctor-request-3xx = A resposta é um redirecionamento para { $location }: o Lakegate o mostra em vez de segui-lo.
doctor-request-3xx-next = Chame o endereço para onde ele aponta, se for o aplicativo que você queria; a API de um aplicativo fica em /api/.
doctor-request-302-sign-in = O domínio do aplicativo não aceitou o token: ele mandou a requisição para uma entrada no navegador ({ $location }). O Databricks responde assim quando a chamada a um aplicativo não leva token, ou leva um que o domínio do aplicativo não aceita — expirado, revogado, de outro espaço de trabalho, ou um token de acesso pessoal (databricks/cli#6605).
doctor-request-302-nowhere = O domínio do aplicativo não aceitou o token: ele respondeu com um redirecionamento que não diz para onde ir. Os modelos de aplicativo do Databricks registram essa resposta para um token de acesso pessoal ("a 302 redirect error"); um token ausente, expirado, revogado ou de outro espaço de trabalho é mandado para uma entrada no navegador do mesmo jeito (databricks/cli#6605).
doctor-request-other-workspace = O espaço de trabalho não aceitou o token: ele foi emitido por outro espaço de trabalho ({ $said }; databricks-sdk-go#959). Não é falta de permissão.
doctor-request-other-workspace-next = Chame este espaço de trabalho com uma conexão dele, não { $connection }: faça login neste espaço de trabalho (ou escolha a conexão dele).
doctor-request-ws-401 = O espaço de trabalho não recebeu credencial nesta requisição (401): nenhuma foi enviada, ou não uma que esta API aceita. Não é falta de permissão.
doctor-request-ws-401-next = Envie-a com o token da conexão (um token OAuth deste espaço de trabalho, ou um token de acesso pessoal onde forem permitidos).
doctor-request-ws-403 = O espaço de trabalho aceitou o token mas recusou a requisição (403): a identidade não tem uma permissão ou um direito de que esta API precisa. Fazer login de novo não muda isso.
doctor-request-ws-403-next = Peça a um administrador do espaço de trabalho a permissão ou o direito que a mensagem cita.
doctor-request-ws-404 = O espaço de trabalho não tem essa API (ENDPOINT_NOT_FOUND) ou esse objeto (RESOURCE_DOES_NOT_EXIST, NOT_FOUND). Algumas APIs respondem 404 quando estão desligadas: a API de tokens responde assim quando os tokens de acesso pessoal estão desativados.
doctor-request-ws-404-next = Confira o caminho, e o nome ou id nele, na referência da API REST do espaço de trabalho.
doctor-request-ws-503 = O espaço de trabalho está indisponível por um momento (503, TEMPORARILY_UNAVAILABLE). Não é problema do token.
doctor-request-ws-503-next = Tente de novo em instantes: os SDKs do Databricks reenviam essas requisições sozinhos.
doctor-request-ws-5xx = O espaço de trabalho falhou ao responder esta requisição (5xx). Não é problema do token.
doctor-request-ws-5xx-next = Tente de novo; se continuar falhando, envie a mensagem e o id da requisição ao suporte do Databricks.
doctor-request-invalid-token = O servidor não aceitou o próprio token ({ $said }): ele é inválido, expirou ou foi revogado. Não é falta de permissão.
doctor-request-unrecorded = O Lakegate nunca viu o Databricks responder assim: exportar o relatório (ou `lakegate doctor --save-recording ARQUIVO`) guarda esta resposta como uma gravação que você pode nos enviar: o status e as palavras que identificam o erro, sem token, sem cookie, sem corpo além delas (tests/fixtures/databricks/README.md).
doctor-not-accepted-next-path = Este caminho fica fora de /api/: só as rotas /api/ de um aplicativo aceitam token (o resto é para navegadores). Chame a rota /api/ do aplicativo.
doctor-not-accepted-next-pat = { $connection } usa um token de acesso pessoal, e os Databricks Apps só aceitam tokens OAuth: adicione uma conexão que entre com OAuth (uma pessoa ou uma entidade de serviço).
doctor-not-accepted-next-expired = O token de { $connection } tinha expirado: entre em { $connection } de novo (o Lakegate o renova sozinho quando há um token de atualização guardado).
doctor-not-accepted-next-other-workspace = O aplicativo pertence ao espaço de trabalho { $app_workspace }, e { $connection } entra no espaço de trabalho { $workspace }: use uma conexão com o espaço de trabalho do próprio aplicativo.
doctor-not-accepted-next-unknown = O token parecia utilizável para o Lakegate (OAuth, não expirado, deste espaço de trabalho): entre em { $connection } de novo para obter um novo; se continuar, o token pode ter sido revogado.
doctor-request-401 = O domínio do aplicativo recusou a chamada (401): o token está ausente, inválido ou expirado, não tem os escopos do aplicativo, ou quem chama não tem CAN USE no aplicativo (uma entidade de serviço sem CAN USE recebe 401 antes de chegar ao aplicativo).
doctor-request-401-next = Veja as verificações Token, Escopos e Permissão acima: faça login de novo se o problema for o token, ou peça CAN USE a um dos gestores do aplicativo.
doctor-request-403-scopes = O token não tem os escopos de autorização do usuário do aplicativo.
doctor-request-403-scopes-next = Faça login com os escopos de que o aplicativo precisa (veja Escopos acima).
doctor-request-403 = Você não tem CAN USE no aplicativo (ou os escopos dele).
doctor-request-403-next = Veja Permissão acima: peça CAN USE a quem gerencia o aplicativo.
doctor-request-429 = O servidor limita a frequência das chamadas, e esta passou do limite (429). Não é problema do token nem da permissão.
doctor-request-429-after = O servidor limita a frequência das chamadas, e esta passou do limite (429); ele pede para esperar { $wait } s (Retry-After). Não é problema do token nem da permissão.
doctor-request-429-next = Envie de novo depois dessa espera, e menos de cada vez. As chamadas do próprio Lakegate ao espaço de trabalho esperam o que o Retry-After diz (são GETs, seguros de repetir); um POST, PUT, PATCH ou DELETE nunca é reenviado por você.
doctor-request-404 = O aplicativo não tem esse caminho, ou nenhum aplicativo responde neste endereço.
doctor-request-404-next = Veja as verificações Aplicativo e Endpoint acima.
doctor-request-504 = O proxy dos Apps encerra com 504 toda solicitação que demora mais que o tempo limite dele (120 s); os logs do aplicativo nunca mostram isso. Ele também pode segurar respostas em streaming (SSE).
doctor-request-504-next = Faça o endpoint responder em até 120 s: comece o trabalho longo em segundo plano e consulte o resultado depois.
doctor-request-5xx = O aplicativo (ou o proxy dele) falhou: 502 "App Not Available" quando não está em execução ou não conseguiu iniciar, 500 vindo do próprio código do aplicativo.
doctor-request-5xx-next = Veja a verificação Aplicativo acima e os logs do aplicativo no espaço de trabalho.
doctor-request-other = Uma resposta incomum.
doctor-request-other-next = Consulte a documentação do aplicativo sobre este status.

## O relatório do Doctor (arquivos Markdown e JSON)

report-title = Relatório do Doctor do Lakegate
report-method = Método
report-connection = Conexão
report-when = Quando
report-none = nenhuma
report-column-check = verificação
report-column-result = resultado
report-column-observed = observado
report-what-to-do = O que fazer
report-observed = Observado
report-meaning = O que significa
report-next-step = Próximo passo
report-all-passed = Todas as verificações passaram.
verdict-pass = ok
verdict-warn = atenção
verdict-fail = falhou
verdict-unknown = desconhecido
verdict-skipped = pulada

## Palavras comuns

loading = Carregando…
cancel = Cancelar
close = Fechar
dismiss = Dispensar
sign-in = Entrar
sign-in-again = Entrar de novo
sign-out = Sair
save = Salvar
replace-it = Substituir

## Tipos de conexão e estado

kind-user = login de usuário
kind-servicePrincipal = entidade de serviço
kind-pat = token de acesso pessoal
kind-cliProfile = perfil da CLI do Databricks
status-sign-in-again = entre de novo
status-not-signed-in = sem login
status-secret-missing = segredo ausente do chaveiro
status-signed-in-as = conectado como { $who }
status-ended-no-refresh = login encerrado (sem token de atualização) · entre de novo
status-ends-no-refresh = { $who } · { $expiry }; depois, entre de novo (sem token de atualização)
status-refreshes = { $who } · o token é renovado no próximo uso
time-seconds = { $n } s
time-minutes = { $n } min
time-hours = { $h } h
time-hours-minutes = { $h } h { $m } min
time-days = { $n } { $n ->
        [one] dia
       *[other] dias
    }
expiry-never = não expira sozinho
expiry-in = expira em { $span }
expiry-ago = expirou há { $span }

## Barra lateral

sidebar-no-keychain = Sem chaveiro.
sidebar-use-memory = Guardar os segredos na memória nesta execução
sidebar-in-memory = Os segredos ficam na memória e são esquecidos quando o Lakegate fecha.
sidebar-connections = Conexões
sidebar-add = Adicionar
sidebar-empty-title = Nenhuma conexão ainda
sidebar-empty-text = Uma conexão é como o Lakegate obtém um token: o seu próprio login em um espaço de trabalho, uma entidade de serviço ou um perfil de { $file }. Tokens e segredos ficam no chaveiro do sistema, nunca em arquivos.
sidebar-try-sandbox = Experimentar a sandbox
sidebar-add-workspace = Adicionar um espaço de trabalho
sidebar-sign-in-to = em { $name }
sidebar-apps = Aplicativos
sidebar-apps-hint = Os aplicativos do espaço de trabalho da conexão escolhida aparecem aqui.
sidebar-apps-sign-in = Entre em { $name } para ver os aplicativos dele.
nav-matrix = Matriz de escopos
nav-access = Acesso
nav-checks = Verificações
nav-doctor = Doctor
nav-settings = Configurações

## Barra de status

statusbar-label = Sobre esta instalação
statusbar-settings-in = Configurações em
statusbar-starting = Iniciando…

## Login

signin-heading = Entrando em { $name }
signin-waiting = Aguardando você concluir o login na janela do navegador que se abriu…
signin-open-link = Abra o link abaixo em um navegador para entrar.
signin-link = Link de login (se nenhum navegador abriu, ou para usar outro)
signin-link-copied = Link copiado
signin-copy-link = Copiar o link de login
signin-ends = O login se encerra sozinho depois de { $minutes } minutos. O Lakegate escuta a resposta do navegador somente neste computador (loopback).
signin-paste = O Lakegate roda onde o seu navegador não o alcança (outra máquina, WSL, um contêiner)? Entre com o link acima em qualquer lugar e cole aqui o endereço em que o navegador parou — ele não consegue carregá-lo:
signin-paste-example = http://localhost:8020/?code=…&state=…
signin-paste-submit = Usar este endereço
signin-pasted = Endereço aceito: terminando o login…

## A moldura da janela

main-label = Área de trabalho
notice-request-saved = Solicitação salva como “{ $name }”.
notice-link-not-opened = O link não foi aberto: { $problem }
notice-link-opened = Um link abriu { $method } { $url }: escolha ou adicione uma conexão do espaço de trabalho dele para vê-la e enviá-la.
notice-signed-in = Login feito em { $name } como { $who }.
notice-signed-in-unknown = Login feito em { $name } como um usuário desconhecido.
notice-signed-out = Você saiu de { $name }: os segredos dela foram apagados do chaveiro.
notice-removed = { $name } foi removida, e os segredos dela, apagados.
notice-connection-saved = { $name } foi salva.
bar-trusted-hosts = token também confiado a { $hosts }
bar-token = Token
remove = Remover

## Configurações

settings-heading = Configurações
settings-language = Idioma
settings-language-label = O idioma da janela
settings-language-system = Idioma do sistema ({ $language })
settings-language-note = A janela, o Doctor e os relatórios salvos pela janela usam este idioma; a linha de comando continua em inglês.
settings-network = Rede
settings-network-note = Valem para todas as chamadas do Lakegate, inclusive o login. A senha de um proxy fica no chaveiro do sistema, nunca no arquivo de configurações, e aparece aqui mascarada.
settings-proxy = Proxy (vazio: nenhum, ou HTTPS_PROXY quando definido)
settings-proxy-env = Proxy (vazio: HTTPS_PROXY do ambiente, { $proxy })
settings-proxy-example = http://proxy.exemplo.com.br:3128
settings-no-proxy = Hosts que não passam pelo proxy (separados por vírgula, como NO_PROXY)
settings-no-proxy-example = .interno.exemplo.com.br, 10.0.0.1
settings-ca = Pacote de CAs (arquivo PEM) confiável para todas as conexões, além das do sistema
settings-ca-example = /etc/ssl/ca-da-empresa.pem
settings-saved = Salvo; a próxima chamada já usa estas configurações.
settings-trusted-heading = Hosts que recebem o token de { $name }
settings-trusted-note = O token vai, somente por https, para { $host }, os aplicativos que o espaço de trabalho lista e *.databricksapps.com. Adicione um host aqui só se quiser mesmo entregar este token a ele; o Lakegate nunca adiciona um por causa de um documento ou de um link.
settings-no-other-host = Nenhum outro host.
settings-host = Host (host.exemplo.com.br ou host.exemplo.com.br:8443)
settings-trust-host = Confiar neste host

## A janela do Doctor

doctor-intro = Cole a URL de um aplicativo que falha: cada verificação roda em ordem, com o que viu e o próximo passo exato.
doctor-url-label = URL do aplicativo com o caminho
doctor-url-example = https://<app>-<workspace-id>.<region>.databricksapps.com/api/…
doctor-connection = Conexão
doctor-no-connection = Nenhuma (só as verificações de rede)
doctor-method = Método
doctor-running = Verificando…
doctor-run = Rodar o Doctor
doctor-progress = Rodando a verificação { $n } de { $total }…
doctor-export = Exportar o relatório
doctor-exported = Salvo, com os segredos ocultados:
doctor-exported-recording = E uma gravação de uma resposta que o Lakegate nunca viu o Databricks dar (sem token, cookie nem corpo): preencha onde você a envia e envie para nós:

## Matriz de escopos

matrix-heading = Matriz de escopos — { $name }
matrix-token-has = O token tem:
matrix-filter-apps = Filtrar aplicativos
matrix-filter-scopes = Filtrar escopos
matrix-missing = Faltam no token:
matrix-sign-in-scopes = Entrar com estes escopos
matrix-scopes-fixed = Os escopos desta conexão vêm do segredo ou do perfil dela.
matrix-ok = O token tem todos os escopos de que estes aplicativos precisam.
matrix-caption = Os escopos de que cada aplicativo precisa e se o token os tem
matrix-app = Aplicativo
matrix-effective = Escopos efetivos
matrix-not-needed = não necessário
matrix-cell-missing = falta
matrix-cell-granted = concedido

## Inspetor de token

token-copied = Copiado. A área de transferência é limpa em { $seconds } s, a menos que você copie outra coisa.
token-heading = Token de { $name }
token-decoded = Decodificado sem verificar a assinatura: são indícios; quem decide é o espaço de trabalho.
token-subject = Titular
token-client = Cliente
token-issuer = Emissor
token-scopes = Escopos
token-issued = Emitido
token-expires = Expira
token-copy = Copiar o token
token-remove-connection = Remover a conexão
token-header = Cabeçalho
token-claims = Declarações

## Aplicativos

app-running = em execução
app-stopped = parado
app-deploying = implantando
app-crashed = com falha
apps-search = Pesquisar aplicativos
apps-refresh = Atualizar os aplicativos
apps-loading = Carregando os aplicativos…
apps-none = Este espaço de trabalho não tem aplicativos que esta identidade possa ver. Confira se há aplicativos implantados e se você entrou no espaço de trabalho certo.
apps-scopes = escopos: { $scopes }
apps-no-match = Nenhum aplicativo corresponde a “{ $search }”.

## Respostas: árvore JSON e fluxos de eventos

json-more = mais { $n } (veja a visão de texto)
stream-seconds = { $s } s
stream-receiving = Recebendo:
stream-count = { $n } { $n ->
        [one] evento
       *[other] eventos
    }
stream-stop = Parar
stream-hidden = { $n } eventos anteriores estão na visão de texto.
stream-events = Eventos
stream-message = mensagem

## Adicionar uma conexão

add-heading = Adicionar uma conexão
add-how = Como o Lakegate obtém o token
add-kind-user = Entrar como pessoa
add-kind-user-hint = No navegador do sistema (OAuth, código de autorização + PKCE). Funciona com aplicativos que usam autorização do usuário.
add-kind-servicePrincipal = Entidade de serviço
add-kind-servicePrincipal-hint = ID do cliente e segredo (OAuth máquina a máquina). O segredo fica no seu chaveiro.
add-kind-pat = Token de acesso pessoal
add-kind-pat-hint = Só para as APIs do espaço de trabalho: os Databricks Apps recusam tokens de acesso pessoal.
add-kind-cliProfile = Perfil da CLI do Databricks
add-kind-cliProfile-hint = Tokens que a CLI do Databricks já gerencia (databricks auth token --profile …).
add-name = Nome
add-name-example = por exemplo, prod
add-host = URL do espaço de trabalho
add-host-example = https://adb-1234567890123456.7.azuredatabricks.net
add-own-oauth = O aplicativo OAuth da sua organização (opcional)
add-client-id-default = ID do cliente (padrão: databricks-cli)
add-redirect = Redirecionamento loopback registrado, por exemplo http://127.0.0.1:8765/callback
add-client-id-sp = ID do cliente (o ID de aplicativo da entidade de serviço)
add-pat = Token de acesso pessoal (guardado no seu chaveiro)
add-client-secret = Segredo do cliente (guardado no seu chaveiro)
add-profile = Nome do perfil em ~/.databrickscfg
scope-hint-file-files = o escopo "file.files" (como o exemplo do guia o escreve) provavelmente quer dizer "files.files", o escopo da API de arquivos: você quis dizer files.files?
add-scopes = Escopos, separados por espaços (padrão: all-apis)
add-scopes-example = all-apis sql
add-ca = Arquivo de pacote de CAs (PEM), se a sua empresa inspeciona HTTPS (opcional)
add-checking = Conferindo com o espaço de trabalho…
add-save = Conferir e salvar
nothing-sent = Nada enviado ainda.

## A solicitação

request-not-full-url = Isto ainda não é uma URL completa (https://…).
request-not-https = Os Databricks Apps são acessados por https.
request-outside-api = Os aplicativos aceitam tokens somente em rotas /api/: este caminho vai responder com um redirecionamento para o login.
request-tab-params = Parâmetros
request-tab-headers = Cabeçalhos
request-tab-body = Corpo
request-tab-snippets = Trechos de código
request-tab-history = Histórico
request-heading = Solicitação
request-steps = Como se faz uma solicitação
request-step-connect = Conecte-se.
request-step-connect-text = Escolha uma conexão à esquerda; o Lakegate obtém e renova o token dela.
request-step-app = Escolha um aplicativo.
request-step-app-text = O endereço dele vem do espaço de trabalho, então é sempre o certo.
request-step-call = Chame um endpoint.
request-step-call-text = Só as rotas sob /api/ aceitam um token; o cabeçalho Authorization é adicionado para você e aparece oculto.
request-url-example = https://<app>-<workspace-id>.<region>.databricksapps.com/api/… ou cole um comando curl
request-send-title = Enviar (Ctrl+Enter)
request-send = Enviar
request-import-curl = Importar curl…
request-copy-link = Copiar link
request-link-copied = Link copiado (ele não contém token):
request-curl-label = Um comando curl (o token dele, se houver, fica de fora e nunca é guardado)
request-curl-example = curl -X GET -H "Authorization: Bearer …" https://…/api/…
request-import = Importar
request-pick-endpoint = Escolha um dos { $n } endpoints de { $app }…
request-parts = Partes da solicitação
request-row-on = Ativo
request-row-value = Valor
request-always-sent = Sempre enviado
request-bearer-from = (de { $connection }, adicionado no Rust)
request-row-send = Enviar { $key }
request-row-value-of = Valor de { $key }
request-row-remove = Remover { $key }
request-add-param = Adicionar um parâmetro de consulta
request-add-header = Adicionar um cabeçalho
request-timeout = Tempo limite
request-json-body = Corpo JSON
request-body-example = {"{"} "nome": "…" {"}"}
request-invalid-json = JSON inválido: { $problem }. Ele será enviado como texto simples.
request-valid-json = JSON válido.
request-valid-json-no-body = JSON válido — mas solicitações { $method } são enviadas sem corpo.
request-snippets-note = O token vem de DATABRICKS_TOKEN ou do próprio login do SDK, nunca colado no código.
request-snippet-requests = Python (requests)
request-snippet-sdk = Python (SDK do Databricks)
request-snippet-cli = Python (o token de um perfil da CLI do Databricks)
request-snippets-empty = Digite uma URL completa para ver a solicitação como código.
request-search-history = Pesquisar no histórico
request-save-name = Nome da solicitação salva
request-save = Salvar esta solicitação
request-saved = Salvas
request-recent = Recentes
request-send-again = Enviar de novo
request-send-again-label = Enviar de novo: { $method } { $url }
request-this-row = esta linha

## A resposta

response-heading = Resposta
response-receiving = Recebendo a resposta ({ $status })…
response-waited = O servidor pediu ao Lakegate que esperasse (limite de requisições, Retry-After: { $secs } s): ele esperou e enviou a requisição de novo { $times ->
    [one] uma vez
   *[other] { $times } vezes
}. O método dela não muda nada no servidor, então enviá-la de novo é seguro.
response-waiting = Aguardando a resposta… (Cancelar interrompe)
response-not-sent = Não enviada: o token fica com o espaço de trabalho dele
response-send-without-token = Enviar sem o token
response-trust-host = Confiar em um host em Configurações
response-timed-out = Nenhuma resposta a tempo
response-cancelled = Cancelada
response-failed = A solicitação falhou
response-timings-line = DNS { $dns } · conexão { $connect } · TLS { $tls } · primeiro byte { $first }
response-redirect = Redirecionamento para { $location } (mostrado, não seguido).
response-stopped = Interrompida depois de { $size }: o que chegou até então é mostrado.
response-truncated = O corpo é maior que { $size }: só os primeiros { $size } são mostrados.
response-parts = Partes da resposta
response-tab-headers = Cabeçalhos ({ $n })
response-tab-timings = Tempos
response-no-body = Sem corpo.
response-binary = { $size } de { $type }; não mostrado como texto.
response-binary-data = dados binários
response-show-as-text = Mostrar como texto
response-tls-handshake = Handshake TLS
response-first-byte = Primeiro byte
response-total = Total
response-server = Servidor
response-via-proxy = pelo proxy { $proxy }
response-diagnosing = Verificando o que deu errado…
response-doctor-passed = Todas as verificações passaram: foi o próprio aplicativo que deu esta resposta.
response-sign-in-with = Entrar com { $scopes }
response-open-doctor = Abrir o Doctor completo
response-empty = O status, os cabeçalhos, o corpo e os tempos de cada resposta aparecem aqui. Quando uma chamada falha (401, 403, 404 ou um erro de rede), o Doctor lista o que verificou, o que encontrou e o próximo passo exato.

## O corpo de uma resposta grande

body-saved = { $size } salvos ({ $bytes } bytes, exatamente como recebidos) em { $path }
body-expand-all = Expandir tudo
body-collapse-all = Recolher tudo
body-find = Localizar no corpo
body-previous = Ocorrência anterior
body-next = Próxima ocorrência
body-searching = Pesquisando…
body-save-to-file = Salvar em arquivo…
body-save-to = Salvar { $size } em
body-as-tree = O corpo como árvore
body-as-text = O corpo como texto
body-collapse-node = Recolher { $name } (Shift: tudo o que há dentro)
body-expand-node = Expandir { $name } (Shift: tudo o que há dentro)
body-the-document = o documento
body-see-text = (veja a visão de texto)
body-no-match = Nenhuma ocorrência
body-match = { $n } de { $total }

## Arquivos de verificação

checks-summary = { $passed } de { $total } passaram, em { $seconds } s
checks-summary-failed = { $passed } de { $total } passaram, { $failed } falharam, em { $seconds } s
checks-intro = Um arquivo de verificação lista solicitações e o que cada resposta precisa mostrar. Guarde-o junto ao seu código; rode-o aqui ou na CI com
checks-file = Arquivo de verificação
checks-file-example = /home/voce/projeto/checks.json
checks-open = Abrir
checks-from-saved = Ou comece pelas solicitações salvas
checks-as = como
checks-write-file = Gravar o arquivo de verificação
checks-run-as = Rodar como
checks-running = Rodando…
checks-run = Rodar { $n } { $n ->
        [one] verificação
       *[other] verificações
    }
checks-progress = { $done } de { $total } concluídas, { $failed } falharam
checks-state-running = rodando
checks-state-not-run = não rodada
checks-pass = Passou
checks-fail = Falhou
checks-no-answer = sem resposta
checks-hide = Ocultar
checks-details = Detalhes
checks-no-answer-because = Sem resposta: { $error }
checks-next = Próximo passo:
checks-answer = A resposta
checks-answer-start = A resposta (o início dela)
checks-report = Relatório
checks-write-to = Gravar em
checks-write-report = Gravar o relatório
checks-wrote = { $path } gravado (sem nenhum token ou segredo)

## Quem pode chamar qual aplicativo

access-cell-timeout = sem resposta em { $seconds } s, incluindo o token: a chamada foi abandonada
access-unknown = desconhecido — pergunte a quem gerencia o aplicativo
access-none = sem permissão
access-level-through-group = { $level } (por meio do grupo { $name })
access-level-through = { $level } (por meio de { $via })
access-scopes-unknown-needs = não se sabe se precisa de { $scopes } (não registrado para uma entidade de serviço)
access-scopes-unknown = escopos desconhecidos
access-token-lacks = faltam ao token { $scopes }
access-token-has-scopes = o token tem os escopos dele
access-no-scopes-needed = nenhum escopo necessário
access-called = chamado: { $status }
access-no-answer = sem resposta: { $error }
access-heading = Quem pode chamar qual aplicativo
access-intro = Cada aplicativo do espaço de trabalho diante de cada conexão com ele, a partir de respostas reais: a permissão encontrada (lida na lista de acesso do aplicativo com qualquer identidade que possa lê-la; grupos contam), se o token cobre os escopos do aplicativo e, depois de Verificar tudo, o que uma chamada real recebeu.
access-filter-who = Filtrar identidades
access-only-red = Só aplicativos com uma célula vermelha
access-path = Caminho a chamar
access-path-example = /api/health
access-check-all = Verificar tudo
access-loading = Lendo as permissões de cada aplicativo como cada identidade…
access-summary = { $apps } aplicativos × { $identities } { $identities ->
        [one] identidade
       *[other] identidades
    }; { $red } { $red ->
        [one] célula vermelha
       *[other] células vermelhas
    }.
access-summary-called = { $apps } aplicativos × { $identities } { $identities ->
        [one] identidade
       *[other] identidades
    }; { $red } { $red ->
        [one] célula vermelha
       *[other] células vermelhas
    }; cada aplicativo chamado em { $path }.
access-caption = Permissões, escopos e chamadas de cada aplicativo e identidade
access-managed-by = gerenciado por { $managers }
access-unreadable = lista ilegível daqui; pergunte a { $managers }
access-workspace-admin = um administrador do espaço de trabalho
access-person = pessoa
access-export = Exportar
access-export-to = para

## A página que o navegador mostra depois do login (o ouvinte loopback do Lakegate)

callback-bad-request = Solicitação inválida
callback-bad-request-text = O Lakegate não conseguiu ler esta solicitação.
callback-not-found = Não encontrado
callback-not-found-text = Nada é servido aqui.
callback-not-allowed = Não permitido
callback-not-allowed-text = Aqui só se responde ao redirecionamento de login do navegador.
callback-not-this-sign-in = Não é este login
callback-not-this-sign-in-text = Esta resposta não pertence ao login que o Lakegate está aguardando. Comece o login de novo pelo Lakegate.
callback-no-issuer = Login recusado
callback-no-issuer-text = A resposta não disse qual servidor a enviou. Você pode voltar ao Lakegate.
callback-wrong-issuer = Login recusado
callback-wrong-issuer-text = A resposta veio de um servidor diferente do espaço de trabalho. Você pode voltar ao Lakegate.
callback-provider-error = O login não foi concluído
callback-provider-error-text = O espaço de trabalho respondeu: { $said }. Você pode voltar ao Lakegate.
callback-signed-in = Login concluído
callback-signed-in-text = Você entrou. Pode voltar ao Lakegate e fechar esta aba.
callback-no-code = Sem código
callback-no-code-text = A resposta não trouxe um código de autorização. Comece o login de novo pelo Lakegate.
callback-not-redirect-pasted = Esse não é o endereço deste login: cole o endereço inteiro em que o navegador parou, que começa pelo redirecionamento deste login (http://localhost:8020/?code=… para o cliente da CLI da Databricks).
callback-not-this-sign-in-pasted = Esse endereço é de outro login (o state dele não é o deste): cole o endereço do último login que você abriu.
callback-no-code-pasted = Esse endereço não traz código: o navegador talvez não tenha terminado o login. Cole o endereço que ele mostra quando o espaço de trabalho o devolve.
callback-not-redirect = Não é o endereço deste login
callback-not-redirect-text = Este não é o endereço de redirecionamento do login.
sign-in-paste-none = { $name } não está esperando um login: inicie-o e então cole o endereço em que o navegador parou.

## As páginas de login do espaço de trabalho sandbox

sandbox-page-title = { $title } · sandbox do Lakegate
sandbox-sign-in = Entrar no espaço de trabalho sandbox
sandbox-sign-in-text = { $client } pede para agir em seu nome no espaço de trabalho sandbox com os escopos { $scopes }.
sandbox-choose = Escolha com quem entrar. Estas são as pessoas embutidas na sandbox; não é preciso senha.
sandbox-cancel = Cancelar o login
sandbox-role-user = usuário
sandbox-role-admin = administrador
sandbox-ended = Este login terminou
sandbox-ended-text = Esta solicitação de login expirou ou já foi respondida. Comece o login de novo pelo Lakegate.
sandbox-browser-login = Entre para abrir este aplicativo
sandbox-browser-login-text = Um navegador faria o seu login aqui antes de abrir { $next }.
sandbox-browser-login-note = Tokens Bearer só são aceitos nas rotas /api/ de um aplicativo; as outras páginas de um aplicativo são para pessoas em um navegador. Os aplicativos nunca aceitam tokens de acesso pessoal.

## Erros que a janela mostra (o inglês deles é o texto da linha de comando)

phase-dns = consultando o nome do host (DNS)
phase-connect = conectando (TCP)
phase-proxy = abrindo um túnel pelo proxy
phase-tls = o handshake TLS
phase-waiting = aguardando o primeiro byte da resposta
phase-body = lendo o corpo da resposta
call-token-elsewhere = o token foi liberado para { $cleared }, não para { $host }: a solicitação não foi enviada
call-dns = o nome do host { $host } não pôde ser resolvido (DNS): { $reason }
call-connect = não foi possível conectar a { $address }: { $reason }
call-proxy-auth = o proxy { $proxy } pede autenticação (407): informe o usuário e a senha na URL do proxy (http://usuario:senha@proxy:porta)
call-proxy-refused = o proxy { $proxy } se recusou a abrir um túnel até { $target }: { $status }
call-tls-untrusted = o certificado do servidor não é confiável: { $reason }. Se a sua empresa inspeciona HTTPS, adicione o pacote de CAs dela (PEM) à conexão ou defina SSL_CERT_FILE
call-tls = o handshake TLS falhou: { $reason }
call-timeout = nenhuma resposta em { $seconds } s, durante { $phase }
call-cancelled = a solicitação foi cancelada
call-broken = a conexão caiu durante { $phase }: { $reason }
http-ca-bundle = o pacote de CAs { $path } não pode ser lido: { $reason }
http-setup = não foi possível configurar o cliente HTTPS: { $reason }
keychain-unavailable = o chaveiro do sistema não está acessível ({ $cause }). O Lakegate guarda tokens e segredos somente no chaveiro: desbloqueie-o ou inicie-o (no Linux, um Secret Service como o gnome-keyring na sua sessão), ou escolha guardar os segredos na memória só nesta execução
keychain-refused = o chaveiro do sistema recusou a entrada "{ $account }": { $cause }
keychain-timed-out = o chaveiro do sistema não respondeu em { $seconds } s: ele pode estar bloqueado, esperando uma senha (procure a janela atrás das outras). Desbloqueie-o e tente de novo
cli-missing = a CLI do Databricks ({ $program }) não está instalada ou não está no PATH. Instale-a (https://docs.databricks.com/dev-tools/cli/install.html) ou adicione este espaço de trabalho como uma conexão de login de usuário
cli-too-old = esta CLI do Databricks é antiga demais para `auth token` ({ $detail }). Atualize-a para a versão 0.200 ou posterior
cli-failed = a CLI do Databricks não conseguiu fornecer um token para o perfil { $profile }: { $detail }
cli-unreadable = a CLI do Databricks imprimiu algo que não é o JSON do token dela: { $detail }
refused-not-https = O Lakegate não enviou a solicitação: o token de { $connection } só trafega por https, e esta URL usa { $scheme } ({ $host }). Use o endereço https ou envie sem o token.
refused-foreign-host = O Lakegate não enviou a solicitação: { $host } não é o espaço de trabalho de { $connection } ({ $workspace }), nem um dos aplicativos dele, nem um host de Databricks Apps ({ $apps }), então o token não vai para lá. Envie sem o token ou, se você confia este token a { $host }, adicione-o aos hosts confiáveis da conexão.
refused-other-workspace = O Lakegate não enviou a solicitação: { $host } é um aplicativo do Databricks do espaço de trabalho { $app_workspace }, e o espaço de trabalho de { $connection } ({ $workspace }) é o { $ours }, então o token não vai para lá. Use uma conexão com o espaço de trabalho desse aplicativo ou confira a URL do aplicativo.
refused-workspace-id-unknown = O Lakegate não enviou a solicitação: { $host } é um host de Databricks Apps, e o Lakegate não conseguiu saber o id do espaço de trabalho de { $connection } ({ $workspace }) para dizer se o aplicativo é dele, então o token não vai para lá. Confira se o espaço de trabalho responde e tente de novo.
workspace-network = não foi possível acessar o espaço de trabalho: { $reason }
workspace-unauthorized = o espaço de trabalho recusou o token ({ $status }): { $message }. Entre de novo ou confira os escopos da conexão
workspace-other-workspace = o espaço de trabalho recusou o token ({ $status }): { $message }. O token é de outro espaço de trabalho: use uma conexão deste espaço de trabalho
workspace-forbidden = o espaço de trabalho aceitou o token mas recusou a requisição ({ $status }): { $message }. A identidade não tem uma permissão ou um direito de que isso precisa: peça a um administrador do espaço de trabalho
workspace-api = o espaço de trabalho respondeu { $status }: { $message }
workspace-bad-answer = não foi possível ler a resposta do espaço de trabalho: { $reason }
workspace-looping = a lista de aplicativos não terminava: o token de página { $token } voltou duas vezes
login-port-busy = outro programa ocupa http://localhost:{ $port } (ainda ocupado depois de { $seconds } s), o único redirecionamento que o cliente databricks-cli aceita. Feche-o (outro login, ou `databricks auth login`) ou use o aplicativo OAuth da sua organização, com um redirecionamento loopback próprio
login-bind = o login não conseguiu escutar em { $address }: { $reason }
login-bad-redirect = { $redirect } não pode ser um redirecionamento de login: precisa ser http://127.0.0.1:<porta>, http://[::1]:<porta> ou http://localhost:<porta> (loopback, RFC 8252)
login-cancelled = o login foi cancelado
login-timed-out = o login expirou: o navegador não voltou em { $minutes } minutos. Comece de novo
login-provider = o espaço de trabalho encerrou o login com { $error }
login-provider-described = o espaço de trabalho encerrou o login com { $error }: { $description }
login-issuer-mismatch = a resposta do login veio de { $got }, não de { $expected }, o espaço de trabalho para onde foi enviada; ela foi recusada (um ataque de confusão ou um proxy mal configurado)
login-issuer-missing = a resposta do login não disse qual servidor a enviou (sem iss), embora { $expected } prometa fazê-lo (RFC 9207): ela foi recusada. Comece o login de novo
login-exchange = não foi possível trocar o código por tokens: { $reason }
grant-refresh-invalid = o token de atualização não é mais válido (o espaço de trabalho disse: { $said }). Entre de novo; a conexão e as configurações dela são mantidas
grant-access-denied = o espaço de trabalho recusou os escopos pedidos ({ $said }). Este segredo do cliente pode estar limitado a alguns escopos: peça só esses, ou peça a um administrador um segredo que permita os outros
grant-invalid-client = o espaço de trabalho não aceitou o ID do cliente e o segredo ({ $said }). Confira o ID do cliente da entidade de serviço e se o segredo não expirou nem foi excluído
grant-refused = o espaço de trabalho recusou o pedido de token: { $error }
grant-refused-described = o espaço de trabalho recusou o pedido de token: { $error } ({ $description })
grant-network = não foi possível acessar o endpoint de tokens: { $reason }
grant-bad-response = o endpoint de tokens respondeu algo que não é uma resposta de token OAuth: { $reason }
discovery-not-databricks = { $host } não oferece o OAuth do Databricks: { $url } respondeu { $status }{ $excerpt }. Confira se esta é a URL do seu espaço de trabalho (como na barra de endereços do navegador)
discovery-unreachable = não foi possível acessar { $host }: { $reason }
discovery-not-https = os metadados OAuth em { $document } indicam um { $what } que não é uma URL https ({ $url }): o Lakegate o recusa, pois links de login e tokens só trafegam por https
host-empty = digite o endereço do espaço de trabalho, por exemplo https://adb-1234567890123456.7.azuredatabricks.net
host-not-a-url = { $host } não é um endereço web: digite a URL do espaço de trabalho como ela aparece no navegador
host-not-https = { $host } usa { $scheme }: os espaços de trabalho do Databricks são acessados por https
file-read = { $path } não pôde ser lido: { $reason }
file-write = { $path } não pôde ser gravado: { $reason }
store-write = { $path } não pôde ser gravado: { $reason }. A sua alteração não foi salva
store-duplicate = já existe uma conexão chamada { $name }: escolha outro nome
store-unknown = não há conexão salva chamada { $name }
history-exists = já existe uma solicitação salva chamada { $name } em { $collection }
settings-invalid = { $path } não é válido ({ $reason }); ele foi mantido como está, e os padrões são usados até que seja corrigido
token-sign-in-needed = { $connection } não tem login: entre primeiro (na janela, ou com `lakegate login { $connection }`)
token-sign-in-again = { $connection } precisa que você entre de novo: { $reason }
token-no-secret = o { $what } de { $connection } não está no chaveiro: adicione a conexão de novo com o { $what } dela
token-not-user-login = { $connection } não é uma conexão de login de usuário: ela obtém os tokens sem navegador
token-join = a tarefa do chaveiro falhou: { $reason }
host-no-browser = nenhum navegador está configurado para abrir links (BROWSER=none): abra você mesmo o link de login
host-open = não foi possível abrir o navegador ({ $reason }): abra você mesmo o link de login
host-not-found = { $program } não está instalado ou não está no PATH
host-run = { $program } não pôde ser executado: { $reason }
jwt-parts = este token não é um JWT (ele tem { $parts } partes separadas por ponto; um JWT tem 3); o Databricks ainda pode aceitá-lo, mas o Lakegate não consegue mostrar o que há dentro
jwt-base64 = o { $part } do token não está em base64url
jwt-json = o { $part } do token não é um objeto JSON
no-such-connection = não há conexão chamada { $name }
sandbox-ca-unreadable = não foi possível ler de volta o arquivo de CA dela: { $reason }
no-sign-in-waiting = nenhum login em { $name } está aguardando: comece de novo
sign-in-connection-removed = A entrada em { $name } não terminou: a conexão foi removida enquanto o navegador estava aberto. Nada foi guardado.
sign-in-connection-changed = A entrada em { $name } não terminou: a conexão mudou enquanto o navegador estava aberto (agora { $what }). Nada foi guardado; entre de novo.
enter-the-pat = digite o token de acesso pessoal
enter-the-secret = digite o segredo do cliente
pat-not-accepted = o espaço de trabalho não aceitou este token de acesso pessoal ({ $reason })
curl-not-curl = isto não é um comando curl: ele deve começar com `curl`
curl-unbalanced = as aspas do comando não estão fechadas: copie o comando inteiro
curl-no-url = o comando não tem URL
curl-two-urls = o comando tem duas URLs ({ $first } e { $second }): o Lakegate envia uma solicitação por vez
curl-missing-value = { $option } precisa de um valor depois dele
curl-unknown = o { $option } do curl não é entendido aqui: remova-o e cole de novo
curl-reads-file = { $option } lê um arquivo ({ $file }): cole o próprio corpo
link-not-a-link = isto não é um link do Lakegate (lakegate://open?…)
link-too-long = o link tem mais de { $max } caracteres
link-carries-secret = o link traz { $what }: links nunca trazem token, cookie ou credenciais, então ele não foi aberto
link-would-carry-secret = a solicitação tem um cabeçalho { $header }, que um link não pode trazer: remova-o e copie o link de novo
link-no-url = a solicitação do link não tem URL https
link-invalid = o { $part } do link não é válido: { $reason }
openapi-too-large = o documento tem { $bytes } bytes, mais que os { $max } que um documento OpenAPI pode ter aqui
openapi-not-json = o documento não é JSON: { $reason }
openapi-not-openapi = o documento é JSON, mas não é OpenAPI (não tem o objeto `paths`)
openapi-none = Nenhum documento OpenAPI pôde ser lido ({ $tried }). Digite o caminho do endpoint.
answer-not-kept = esta resposta não está mais guardada: envie a solicitação de novo
answer-unreadable = a resposta não pôde ser lida: { $reason }
file-exists = { $path } já existe: substitua-o ou escolha outro nome
proxy-not-an-address = { $proxy } não é um endereço de proxy: escreva http://host:porta (ou http://usuario:senha@host:porta)
proxy-password-again = O proxy ou o usuário mudou: digite a senha dele de novo (a senha guardada era do proxy para o qual foi digitada).

## Arquivos de verificação: o que há de errado com um deles e com uma resposta

checkfile-not-a-check-file = não é um arquivo de verificação: { $reason } (veja o README: Checks that run by themselves)
checkfile-empty = "checks" está vazio: adicione pelo menos uma verificação
checkfile-concurrency = "concurrency" é { $value }: use de 1 a { $max }
checkfile-at = verificação { $n }
checkfile-at-named = verificação { $n } ({ $name })
checkfile-no-name = { $at }: dê a ela um "name"
checkfile-same-name = { $at }: outra verificação tem o mesmo nome
checkfile-method = { $at }: "method" { $method } não é um método HTTP
checkfile-url-credentials = { $at }: a URL contém um nome de usuário ou uma senha; um arquivo de verificação não guarda segredos
checkfile-url-secret-param = { $at }: o parâmetro { $name } da URL parece uma credencial; um arquivo de verificação não guarda segredos
checkfile-url-https = { $at }: "url" precisa ser https:// (um token só é enviado por https)
checkfile-url-invalid = { $at }: "url" { $url } não é uma URL: { $reason }
checkfile-app-empty = { $at }: "app" está vazio
checkfile-path-slash = { $at }: "path" precisa começar com / (por exemplo, /api/hello)
checkfile-path-missing = { $at }: informe também o "path" do aplicativo (por exemplo, /api/hello)
checkfile-no-target = { $at }: informe "app" e "path", ou uma "url"
checkfile-two-targets = { $at }: informe "app" e "path", ou uma "url", não os dois
checkfile-secret-header = { $at }: o cabeçalho { $name } traz uma credencial; um arquivo de verificação não guarda segredos (o token da conexão é enviado)
checkfile-secret-query = { $at }: o parâmetro de consulta { $name } parece uma credencial; um arquivo de verificação não guarda segredos
checkfile-timeout = { $at }: "timeout_secs" é { $value }: use de 1 a 600
checkfile-status = { $at }: "expect.status" precisa ter status HTTP (100–599)
checkfile-pointer = { $at }: o ponteiro JSON { $pointer } precisa ser vazio ou começar com /
checkfile-expectation = { $at }: a expectativa em { $pointer } precisa de "equals" ou "type"
check-or = {" "}ou{" "}
check-status = status { $status }, esperado { $expected }
check-status-2xx = status { $status }, esperado um status 2xx
check-not-json = a resposta não é JSON
check-the-document = o documento
check-missing = { $at }: não está na resposta
check-kind = { $at }: { $found }, esperado { $expected }
check-equals = { $at }: não é { $expected } (a resposta tem { $found } ali)
check-too-slow = levou { $ms } ms; o limite é { $limit } ms
curl-note-redirects = o curl seguiria redirecionamentos; o Lakegate mostra o redirecionamento em vez de segui-lo
curl-note-insecure-k = o comando desligou a verificação de certificados (-k); o Lakegate sempre os verifica
curl-note-insecure = o comando desligou a verificação de certificados (--insecure); o Lakegate sempre os verifica
curl-note-output-o = a resposta é mostrada, não gravada em arquivo (-o)
curl-note-output = a resposta é mostrada, não gravada em arquivo (--output)
curl-note-proxy-x = o proxy do curl (-x) não é usado: quem diz o proxy são as configurações de rede do Lakegate
curl-note-proxy = o proxy do curl (--proxy) não é usado: quem diz o proxy são as configurações de rede do Lakegate
curl-note-retry = o curl tentaria de novo (--retry); o Lakegate nunca envia uma solicitação duas vezes por conta própria
curl-carried-token = Este comando trazia um token; o Lakegate usou o da própria conexão e não guardou nada dele.
curl-left-out = Deixado de fora da requisição e nunca guardado: { $names }.
curl-no-owner = Nenhum espaço de trabalho das conexões lista { $host }: confira a conexão antes de enviar.
not-a-url = { $url } não é uma URL: { $reason }
stream-buffered = Todos os { $events } eventos chegaram de uma vez, { $seconds } s depois da solicitação: algo entre o Lakegate e o aplicativo está segurando o fluxo. O proxy do Databricks Apps segura eventos enviados pelo servidor, segundo o registro; um proxy ou gateway da empresa também pode (nginx: `X-Accel-Buffering: no`). Para respostas que precisam chegar enquanto são escritas, o guia da plataforma da Databricks indica WebSockets.
stream-cut = O fluxo terminou sozinho depois de { $seconds } s, perto dos { $limit } s que o proxy do Databricks Apps deixa um fluxo correr antes de cortá-lo, segundo o registro: a resposta pode estar incompleta. Envie trabalhos longos em partes, ou consulte o resultado em vez de recebê-lo em fluxo.
stream-buffered-chunks = Os { $events } eventos chegaram em { $bunches } blocos com até { $seconds } s de intervalo, não um a um: algo entre o Lakegate e o aplicativo está segurando o fluxo. O proxy do Databricks Apps entrega eventos enviados pelo servidor "em blocos, não token a token", segundo o registro; um proxy ou gateway da empresa também pode. Para respostas que precisam chegar enquanto são escritas, o guia da plataforma da Databricks indica WebSockets.
check-app-never-deployed = o aplicativo { $app } nunca foi implantado, então não tem endereço
check-no-such-app = o espaço de trabalho não tem um aplicativo chamado { $app } que { $connection } possa ver (aplicativos: { $count ->
        [0] nenhum
       *[other] { $apps }
    })
checks-none-run = nenhuma verificação rodou ainda: rode um arquivo de verificação primeiro
doctor-no-report = ainda não há relatório do Doctor: rode o Doctor primeiro
scopes-not-user = { $connection } não é um login de usuário: os escopos dela vêm do segredo ou do perfil
access-not-loaded = a visão de acesso ainda não foi carregada
access-none-signed-in = nenhuma conexão de { $host } tem login: entre em uma para ver os aplicativos
access-groups-unreadable = os grupos não puderam ser lidos: { $reason }
clipboard-failed = não foi possível usar a área de transferência: { $reason }
cfg-not-text = { $path } não é texto (UTF-8): o Lakegate não mexe nele
cfg-exists = { $path } já tem um perfil chamado [{ $name }]: escolha outro nome
cfg-bad-name = { $name } não pode ser nome de perfil: use letras, dígitos, '-', '_' ou '.'
cfg-bad-value = { $value } não pode ser gravado em um perfil: os valores ocupam uma linha só
cfg-skipped-lines = { $path }: as linhas { $lines } não foram entendidas e foram ignoradas
connections-set-aside = { $path } não pôde ser lido ({ $reason }); ele foi guardado como { $aside } e o Lakegate começou sem conexões salvas
env-connection-skipped = a conexão do ambiente foi ignorada: { $reason }
profile-skipped = o perfil [{ $name }] foi ignorado: { $reason }
sandbox-port-in-use = a porta { $port } em 127.0.0.1 já está em uso: pare o que a usa ou escolha outra porta com --port (0 escolhe uma livre)
sandbox-listen = a sandbox não conseguiu escutar em 127.0.0.1:{ $port }: { $reason }
sandbox-write-ca = a sandbox não conseguiu gravar o certificado de CA dela em { $path }: { $reason }
sandbox-tls = a sandbox não conseguiu criar o certificado TLS dela: { $reason }
sandbox-crypto = a criptografia da sandbox falhou: { $reason }
sandbox-unknown-user = --auto-approve { $user }: nenhum usuário da sandbox tem este e-mail (tente alice@example.com ou admin@example.com)
name-empty = dê um nome à conexão
name-too-long = um nome de conexão tem no máximo { $max } caracteres
name-reserved = { $name } é reservado (env, sandbox, sandbox service principal e profile:… nomeiam conexões que o próprio Lakegate encontra)
name-bad-characters = um nome de conexão não pode ter caracteres de controle nem barras
trusted-host-invalid = { $host } não é um nome de host: escreva como host.exemplo.com.br ou host.exemplo.com.br:8443
redirect-not-loopback = o redirecionamento precisa ser um endereço loopback, como http://127.0.0.1:8765/callback (RFC 8252)
enter-the-client-id = digite o ID do cliente da entidade de serviço (o ID do aplicativo)
enter-the-profile = digite o nome do perfil da CLI do Databricks
trust-not-saved = { $name } não está salva no Lakegate (ela vem do ambiente ou de ~/.databrickscfg): salve-a como uma conexão própria para confiar o token dela a mais hosts
remove-not-saved = { $name } não está salva no Lakegate: altere-a onde ela é definida
remove-while-signing-in = Uma entrada em { $name } está guardando os tokens agora: tente de novo em instantes.
language-unknown = { $language } não é um idioma que o Lakegate fala
path-empty = dê um nome ao arquivo
path-no-home = não há pasta pessoal: informe um caminho completo
path-not-absolute = informe um caminho completo (começando com / ou ~/)
path-is-folder = o caminho indica uma pasta: acrescente um nome de arquivo
body-not-json = esta resposta não é JSON
body-no-node = não há esse nó nesta resposta
saved-request-no-name = dê um nome à solicitação salva
checkfile-too-big = { $path } tem { $bytes } bytes: não é um arquivo de verificação
checkfile-not-utf8 = { $path } não é texto UTF-8
checkfile-unusable = { $path } não é um arquivo de verificação utilizável:
    { $problems }
checks-no-saved = não há solicitações salvas em { $collection }: salve algumas pelo construtor de solicitações primeiro
checks-saved-unusable = estas solicitações salvas não podem virar verificações:
    { $problems }
scopes-not-saved = { $connection } não está salva no Lakegate: altere os escopos dela onde ela é definida
access-path-slash = o caminho começa com / (por exemplo, /api/health)
bridge-error = A janela do Lakegate não conseguiu falar com o backend dele ({ $detail }). Reinicie o Lakegate; se continuar acontecendo, relate o problema com esta mensagem.
access-md-called = Cada aplicativo foi chamado em `{ $path }` como cada identidade.
access-md-red-cells = Do que as células vermelhas precisam
access-md-need-can-use = CAN USE em { $app } (peça a { $who })
access-md-need-scopes = um token com { $scopes }
access-md-need-look = entender por que { $app } respondeu { $status } (rode o Doctor)
access-md-need-answer = uma resposta: { $error }
access-md-need-doctor = o Doctor
checks-md-title = Verificações: { $name }
checks-md-summary = { $passed } de { $total } passaram contra { $connection } ({ $host }) em { $at } UTC, em { $seconds } s.
checks-md-check = Verificação
checks-md-request = Solicitação
checks-md-status = Status
checks-md-time = Tempo
checks-md-pass = ok
checks-md-fail = FALHOU
checks-md-failures = Falhas
link-opened-note = Aberta a partir de um link: nada é enviado até você clicar em Enviar.

## O guia: a página da Databricks "Conectar a um aplicativo Databricks usando autenticação de tokens", ao vivo.
nav-guide = Guia
guide-heading = O guia: chamar um aplicativo Databricks com um token
guide-intro = A página da Databricks sobre autenticação de tokens para aplicativos, passo a passo, feita de verdade em { $host }. Cada passo diz o que é e por quê, faz, e mostra o mesmo passo nas suas próprias ferramentas: a CLI databricks, o SDK Python e o curl, com este espaço de trabalho preenchido e o token tirado do ambiente.
guide-page = Ler a página da Databricks
guide-app = Aplicativo usado nos passos
guide-app-none = nenhum aplicativo com endereço
guide-progress = { $done } de { $total } passos feitos
guide-reset = Recomeçar
guide-mark-done = Marcar como feito
guide-done = Feito
guide-in-your-tools = O mesmo nas suas ferramentas
guide-tool-cli = Shell
guide-tool-python = Python
guide-tool-curl = curl
guide-loading = Verificando este espaço de trabalho…
guide-no-connection = Adicione uma conexão ou experimente a sandbox primeiro: o guia faz cada passo de verdade.
guide-no-such-step = não há passo { $step } no guia
guide-no-such-trial = não há experimento { $trial } no playground
guide-step-requirements = Requisitos
guide-step-requirements-body = A autenticação de tokens funciona com aplicativos que servem uma API HTTP em /api/. Você precisa de CAN USE no aplicativo e de um jeito de obter um token de acesso da Databricks. O Lakegate verifica os três neste espaço de trabalho, agora.
guide-check-again = Verificar de novo
guide-req-token-yes = ✔ Dá para obter um token (ele vale por mais uns { $minutes } minutos).
guide-req-token-no = ✘ Ainda sem token: { $reason } Entre (ou adicione o segredo da conexão) e verifique de novo.
guide-req-api-endpoint-yes = ✔ { $app } lista { $count } endpoints /api/ no seu documento OpenAPI, entre eles { $path }.
guide-req-api-endpoint-no = ✘ Este espaço de trabalho não tem aplicativo implantado para chamar. Implante um aplicativo que sirva rotas /api/ e verifique de novo.
guide-req-api-endpoint-unknown = ? { $app } não publica um documento OpenAPI com rotas /api/, então não se sabe se serve alguma: chame um caminho que você conhece em /api/.
guide-req-can-use-yes = ✔ Você tem { $level } em { $app }.
guide-req-can-use-no = ✘ Você não tem permissão em { $app }: peça CAN USE a quem o gerencia ({ $managers }).
guide-req-can-use-unknown = ? Não se sabe aqui se você tem CAN USE em { $app } (as permissões dele não podem ser lidas com este login): pergunte a quem o gerencia ({ $managers }).
guide-step-person = Desenvolvimento local: o seu próprio login
guide-step-person-body = Na sua máquina você entra como você mesmo, no navegador do sistema (OAuth de usuário para máquina, com PKCE), como a Databricks recomenda. A CLI databricks e os SDKs guardam o login num perfil e entregam tokens de curta duração a partir dele.
guide-do-sign-in = Entrar
guide-do-inspect = Mostrar as declarações do token
guide-step-service-principal = Uma aplicação externa: uma entidade de serviço
guide-step-service-principal-body = Um programa que roda sem uma pessoa usa o ID de cliente e o segredo OAuth de uma entidade de serviço (OAuth de máquina para máquina). Guarde o segredo num cofre de segredos e entregue-o ao programa pelo ambiente, nunca no código.
guide-sp-real = Num espaço de trabalho real: crie uma entidade de serviço e, na página de detalhes dela, abra Segredos e, em Segredos OAuth, gere um. O segredo aparece uma só vez; o ID de cliente é o ID de aplicativo da entidade de serviço.
guide-sp-docs = A página da Databricks sobre entidades de serviço e OAuth
guide-sp-sandbox = A sandbox tem duas entidades de serviço próprias; lakegate sandbox mostra os IDs de cliente e os segredos delas ao iniciar.
guide-step-from-app = Um aplicativo Databricks chamando outro
guide-step-from-app-body = Um aplicativo Databricks roda como a sua própria entidade de serviço: a Databricks define DATABRICKS_CLIENT_ID e DATABRICKS_CLIENT_SECRET no ambiente dele, então o SDK não precisa de credenciais explícitas. O Lakegate funciona do mesmo jeito quando essas variáveis estão definidas: a conexão chamada env.
guide-step-scopes = Escopos personalizados para autorização do usuário
guide-step-scopes-body = A CLI e os SDKs pedem o escopo all-apis. Um aplicativo com autorização do usuário pode precisar de mais, e um token sem eles falha com 401 ou 403. Este aplicativo pede: { $scopes }. Peça-os ao entrar.
guide-scopes-page = O exemplo da própria página pede: { $scopes }. Experimente como a página escreve, depois como o aplicativo precisa.
guide-scopes-held = Seu token tem agora: { $scopes }.
guide-do-scopes-page = Entrar pedindo os escopos da página
guide-do-scopes-app = Entrar pedindo os escopos deste aplicativo
guide-scopes-none = nenhum escopo a mais
guide-scopes-spelling = A página da Databricks escreve um dos escopos de exemplo como file.files; o escopo é files.files. O Lakegate avisa onde quer que você o digite.
guide-do-scopes = Abrir a matriz de escopos
guide-step-send = Enviar solicitações
guide-step-send-body = Ponha o token no cabeçalho Authorization como um token Bearer e chame o aplicativo em /api/. Aqui: GET { $url }.
guide-do-send = Enviar
guide-sent = Respondeu { $status } em { $ms } ms.
guide-step-security = Práticas de segurança
guide-step-security-body = Nunca escreva um token no código: tire-o do ambiente ou de um cofre de credenciais, como toda linha acima faz. Renove os tokens com frequência e mantenha-os fora dos logs. O Lakegate guarda os segredos no chaveiro do sistema e nunca mostra um token de atualização ou segredo de cliente a esta janela.
guide-step-troubleshooting = Solução de problemas: 401, 403, 404 e a rede
guide-step-troubleshooting-body = Cada botão faz uma solicitação que falha de um dos jeitos que a página lista. Envie, leia a explicação do Doctor embaixo da resposta, aplique a correção e envie de novo até responder 200.
guide-playground-sandbox-only = O laboratório usa os aplicativos da própria sandbox: escolha a conexão da sandbox para usá-lo.
guide-try-expired = 401: um token que o aplicativo não aceita mais (expirado)
guide-try-proxy = Rede: um proxy da empresa que bloqueia o domínio dos Apps (Configurações → Rede; limpe-o lá)
guide-proxy-already = Configurações → Rede já tem um proxy; o playground nunca o substitui. Limpe-o lá antes de experimentar este.
guide-proxy-bypassed = A lista sem proxy de Configurações → Rede deixa os aplicativos da sandbox passarem por fora de qualquer proxy, então este experimento não mostraria nada. Tire localhost dela primeiro.
guide-try-no-can-use = 403: sem CAN USE no aplicativo
guide-try-scopes = O token não tem os escopos do aplicativo
guide-try-stopped = O aplicativo está parado
guide-try-wrong-path = 404: um caminho que o aplicativo não serve
guide-try-wrong-app = 404: um aplicativo que não existe
guide-step-reading = Leitura adicional
guide-read-page = Conectar a um aplicativo Databricks usando autenticação de tokens
guide-read-m2m = Autorizar o acesso de entidades de serviço com OAuth
guide-no-such-page = não há página { $page } na leitura do guia
guide-open-failed = o navegador não abriu a página ({ $reason }): abra { $url } você mesmo
sandbox-not-started = A sandbox não está rodando aqui: escolha Experimentar a sandbox primeiro.
guide-run-bad-url = Informe o endereço https do aplicativo a chamar.
guide-run-failed = O Lakegate não conseguiu rodar seu lado sem janela: { $reason }
guide-run-secret-note = o segredo da entidade de serviço, que a Databricks coloca no ambiente do aplicativo (não mostrado)
guide-do-add-sp = Adicionar a entidade de serviço da sandbox
guide-sp-added = { $name } agora é uma conexão, autenticada com credenciais de cliente e sem navegador. Escolha-a acima para fazer cada passo como a entidade de serviço, ou envie da bancada como ela.
guide-do-run-as-app = Rodar como um Databricks App rodaria
guide-run-said = O lado sem janela do Lakegate rodou só com o ambiente de um aplicativo (código de saída { $code }):
guide-sp-open-workspace = Abrir a página de entidades de serviço deste espaço de trabalho
guide-sp-workspace-note = O endereço é o que o aplicativo web da Databricks dá a essa página hoje (configurações, identidade e acesso, entidades de serviço); se ela mudou de lugar, esse é o caminho até ela.
guide-no-sp-page = a página de entidades de serviço fica num espaço de trabalho real; a sandbox não tem uma
nav-workbench = Bancada

## A paleta de comandos (Ctrl+K) e a folha de atalhos (?).
palette-label = Ir para
palette-placeholder = Digite uma visão, um aplicativo, um endpoint, uma solicitação do histórico ou uma conexão
palette-nothing = Nada com esse nome.
palette-kind-view = Visão
palette-kind-connection = Conexão
palette-kind-app = Aplicativo
palette-kind-endpoint = Endpoint
palette-kind-history = Histórico
shortcuts-heading = Atalhos de teclado
shortcut-palette = Encontrar uma visão, um aplicativo, um endpoint, uma solicitação ou uma conexão
shortcut-send = Enviar a solicitação (na bancada)
shortcut-sheet = Esta folha
shortcut-close = Fechar a paleta ou esta folha
